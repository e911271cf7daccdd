import { describe, expect, it } from 'vitest';
import { checkTagDomain, parseConfig, resolveMapping } from '../../functions/core/config.ts';
import type { ObservedEndpoint } from '../../functions/core/model.ts';

/** Issue 12, findings 2 and 3: whoever can tag an endpoint must not be able to steer DNS. */

const CONFLUENT_SERVICE = 'com.amazonaws.vpce.us-east-2.vpce-svc-0confluent';
const MAPPED = 'pr1jy6.us-east-2.aws.confluent.cloud';
const config = parseConfig({
  owner: 'platform',
  mappings: [{ service: CONFLUENT_SERVICE, domain: MAPPED }],
  allowedDomains: [{ domain: 'aws.confluent.cloud', depth: 2 }, 'aws.private.confluent.cloud'],
  zones: { create: true, extraNetworks: ['vpc-0hub'] },
});

function tagged(domain: string, service = 'com.amazonaws.vpce.us-east-2.vpce-svc-0unrelated'): ObservedEndpoint {
  return {
    cloud: 'aws',
    id: 'vpce-0tagged',
    state: 'available',
    scope: 'vpc-0spoke',
    service,
    targetKind: 'name',
    regional: ['vpce-0tagged-x.vpce-svc-0unrelated.us-east-2.vpce.amazonaws.com'],
    zonal: {},
    tags: { 'linkdns:domain': domain },
  };
}

/** The 16 unsafe values of the finding 2 (the first 11 were accepted before). */
const UNSAFE: readonly (readonly [string, string, RegExp])[] = [
  ['a space', 'foo bar.us-east-2.aws.confluent.cloud', /not a DNS name/],
  ['an empty label', 'x..us-east-2.aws.confluent.cloud', /not a DNS name/],
  ['a wildcard label', '*.us-east-2.aws.confluent.cloud', /not a DNS name/],
  ['an escaped wildcard', '\\052.us-east-2.aws.confluent.cloud', /not a DNS name/],
  ['a 300-character label', `${'a'.repeat(300)}.us-east-2.aws.confluent.cloud`, /not a DNS name/],
  ['non-ASCII letters', 'ünï.us-east-2.aws.confluent.cloud', /not a DNS name/],
  ['a comma (registry syntax)', 'a,owner=x.us-east-2.aws.confluent.cloud', /not a DNS name/],
  ['the allowlisted apex', 'aws.confluent.cloud', /not strictly below/],
  ['a region-wide parent', 'us-east-2.aws.confluent.cloud', /not strictly below/],
  ['a parent at the wrong depth (too deep)', 'x.pr1jy6.us-east-2.aws.confluent.cloud', /not strictly below/],
  ['the allowlist entry without depth itself', 'aws.private.confluent.cloud', /not strictly below/],
  ['an ancestor of every allowlisted domain', 'confluent.cloud', /not strictly below/],
  ['a domain outside the allowlist', 'pr1jy6.us-east-2.aws.evil.example', /not strictly below/],
  ['a leading dash', '-x.us-east-2.aws.confluent.cloud', /not a DNS name/],
  ['a newline', 'pr2.us-east-2.aws.confluent.cloud\nrecord=A:@', /not a DNS name/],
  ['the mapped domain, from an endpoint of another service', MAPPED, /a mapping manages for another service/],
];

describe('linkdns:domain tags', () => {
  it.each(UNSAFE)('refuses %s', (_what, value, reason) => {
    const decision = resolveMapping(tagged(value), config);
    expect(decision).toMatchObject({ managed: false, reason: expect.stringMatching(reason) });
  });

  it('accepts a name strictly below the allowlist at the stated depth, via the tag', () => {
    expect(resolveMapping(tagged('abc123.us-west-2.aws.confluent.cloud'), config)).toMatchObject({
      managed: true,
      domain: 'abc123.us-west-2.aws.confluent.cloud',
      via: 'tag',
    });
    expect(resolveMapping(tagged('us-east-1.aws.private.confluent.cloud'), config)).toMatchObject({
      managed: true,
      domain: 'us-east-1.aws.private.confluent.cloud',
    });
  });

  it('lets an endpoint of the mapped service carry its own domain as a tag (the same as the mapping)', () => {
    expect(resolveMapping(tagged(MAPPED, CONFLUENT_SERVICE), config)).toMatchObject({
      managed: true,
      domain: MAPPED,
      via: 'mapping',
    });
  });

  it('never lets a tag name a domain inside or above a mapped domain, whatever the allowlist says', () => {
    const wide = parseConfig({
      owner: 'platform',
      mappings: [{ service: CONFLUENT_SERVICE, domain: MAPPED }],
      allowedDomains: ['confluent.cloud'],
    });
    expect(checkTagDomain('us-east-2.aws.confluent.cloud', wide)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/parent of the managed domain/),
    });
    expect(checkTagDomain(`use2-az1.${MAPPED}`, wide)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/inside .* which a mapping manages/),
    });
  });

  it('keeps the depth through a stored and re-read configuration', () => {
    const again = parseConfig(JSON.parse(JSON.stringify(config)));
    expect(again.allowedDomainDepths).toEqual({ 'aws.confluent.cloud': 2 });
    expect(resolveMapping(tagged('us-east-2.aws.confluent.cloud'), again)).toMatchObject({ managed: false });
  });
});
