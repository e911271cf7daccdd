import { describe, expect, it } from 'vitest';
import {
  checkTagDomain,
  globMatches,
  managedDomains,
  parseConfig,
  resolveMapping,
} from '../../functions/core/config.ts';
import { ConfigError } from '../../functions/core/errors.ts';
import type { ObservedEndpoint } from '../../functions/core/model.ts';

const endpoint = (service: string, tags: Record<string, string> = {}): ObservedEndpoint => ({
  cloud: 'aws',
  id: 'vpce-1',
  state: 'available',
  scope: 'vpc-1',
  service,
  targetKind: 'name',
  regional: ['r.example.com'],
  zonal: {},
  tags,
});

const config = parseConfig({
  owner: 'platform-prod',
  allowedDomains: ['aws.confluent.cloud'],
  mappings: [
    { service: 'com.amazonaws.vpce.us-east-2.vpce-svc-0abc*', domain: 'pr1jy6.us-east-2.aws.confluent.cloud.' },
  ],
  layouts: { 'access-point': { records: [{ name: '*', from: 'regional' }] } },
});

describe('parseConfig', () => {
  it('fills defaults: sync, TTL 60, no zone creation, no adoption', () => {
    expect(config).toMatchObject({ policy: 'sync', ttl: 60, adoptExisting: false, zones: { create: false } });
    expect(config.mappings[0]?.domain).toBe('pr1jy6.us-east-2.aws.confluent.cloud');
  });

  it('lists every problem at once, each with its path', () => {
    const attempt = () =>
      parseConfig(
        {
          owner: 'Bad Owner',
          policy: 'yolo',
          ttl: 0,
          mappings: [
            { service: 'x', domain: 'localhost' },
            { service: 'y', domain: 'a.example.com', layout: 'nope' },
          ],
          surprise: true,
        },
        'linkdns.json',
      );

    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect((error as Error).message).toContain('linkdns.json');
      expect(problems).toMatch(/owner/);
      expect(problems).toMatch(/policy/);
      expect(problems).toMatch(/ttl/);
      expect(problems).toMatch(/mappings\.0\.domain/);
      expect(problems).toMatch(/surprise/);
    }
  });

  it('reports an unknown layout name in a mapping', () => {
    expect(() =>
      parseConfig({ owner: 'a', mappings: [{ service: 'y', domain: 'a.example.com', layout: 'nope' }] }),
    ).toThrow(/mappings\.0\.layout: unknown layout "nope"/);
  });

  it('keeps zone creation off when a config only lists hub networks for created zones', () => {
    // Prepare: the hub VPC is listed ahead of time; creating zones is a separate, explicit opt-in.
    const hubOnly = parseConfig({ owner: 'platform-prod', zones: { extraNetworks: ['vpc-0hub'] } });

    // Assess
    expect(hubOnly.zones).toEqual({ create: false, extraNetworks: ['vpc-0hub'], sources: {} });
    expect(config.zones).toEqual({ create: false, extraNetworks: [], sources: {} });
  });

  it.each(['sync', 'upsert-only', 'create-only'] as const)('accepts the %s policy', (policy) => {
    expect(parseConfig({ owner: 'platform-prod', policy }).policy).toBe(policy);
  });

  it('names invalid JSON', () => {
    expect(() => parseConfig('{ nope', 'LINKDNS_CONFIG')).toThrow(/LINKDNS_CONFIG[\s\S]*not valid JSON/);
  });
});

describe('resolveMapping', () => {
  it('maps by service glob', () => {
    expect(resolveMapping(endpoint('com.amazonaws.vpce.us-east-2.vpce-svc-0abc123'), config)).toMatchObject({
      managed: true,
      domain: 'pr1jy6.us-east-2.aws.confluent.cloud',
      layout: { name: 'zonal' },
      via: 'mapping',
    });
  });

  it('leaves endpoints of other services alone', () => {
    expect(resolveMapping(endpoint('com.amazonaws.us-east-2.s3'), config)).toMatchObject({ managed: false });
  });

  it('lets a tag choose a domain under allowedDomains, with a layout tag', () => {
    const tagged = endpoint('anything', {
      'linkdns:domain': 'abc.us-east-1.aws.confluent.cloud',
      'linkdns:layout': 'access-point',
    });

    expect(resolveMapping(tagged, config)).toMatchObject({
      managed: true,
      domain: 'abc.us-east-1.aws.confluent.cloud',
      layout: { name: 'access-point' },
      via: 'tag',
    });
  });

  it('lets a tag choose a domain under any of several allowed domains', () => {
    // Prepare: one deployment serves Confluent clusters on AWS and on Azure.
    const twoClouds = parseConfig({
      owner: 'platform-prod',
      allowedDomains: ['aws.confluent.cloud', 'azure.confluent.cloud'],
    });

    // Act
    const azure = resolveMapping(
      endpoint('x', { 'linkdns:domain': 'p8xo76.centralus.azure.confluent.cloud' }),
      twoClouds,
    );
    const aws = resolveMapping(endpoint('x', { 'linkdns:domain': 'pr1jy6.us-east-2.aws.confluent.cloud' }), twoClouds);

    // Assess
    expect(azure).toMatchObject({ managed: true, domain: 'p8xo76.centralus.azure.confluent.cloud', via: 'tag' });
    expect(aws).toMatchObject({ managed: true, domain: 'pr1jy6.us-east-2.aws.confluent.cloud', via: 'tag' });
  });

  it('never lets a tag point at a domain outside the allowlist', () => {
    const evil = endpoint('com.amazonaws.vpce.us-east-2.vpce-svc-0abc1', { 'linkdns:domain': 'corp.example.com' });
    const lookalike = endpoint('x', { 'linkdns:domain': 'evilaws.confluent.cloud' });

    expect(resolveMapping(evil, config)).toMatchObject({
      managed: false,
      reason: expect.stringContaining('allowedDomains'),
    });
    expect(resolveMapping(lookalike, config)).toMatchObject({ managed: false });
  });
});

describe('globMatches', () => {
  it.each([
    ['com.amazonaws.vpce.*.vpce-svc-0abc', 'com.amazonaws.vpce.us-east-2.vpce-svc-0abc', true],
    ['vpce-svc-?bc', 'vpce-svc-abc', true],
    ['vpce-svc-abc', 'vpce-svc-abcd', false],
    ['a.b', 'aXb', false],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});

/** Three 63-character labels: 191 characters of a name. */
const LONG_LABELS = ['a', 'b', 'c'].map((char) => char.repeat(63)).join('.');

describe('configuration a user writes', () => {
  const problemsOf = (input: unknown): string => {
    try {
      parseConfig(input, 'linkdns.json');
    } catch (error) {
      return (error as ConfigError).problems.join('\n');
    }
    return '';
  };

  it.each([
    ['a Confluent dedicated domain', 'pr1jy6.us-east-2.aws.confluent.cloud', true],
    ['a domain with a trailing dot and capitals', 'P8XO76.CentralUS.azure.confluent.cloud.', true],
    ['an underscore label', '_kafka.corp.example', true],
    ['a 63-character label', `${'a'.repeat(63)}.example.com`, true],
    ['a 64-character label', `${'a'.repeat(64)}.example.com`, false],
    ['a 253-character name', `${LONG_LABELS}.${'d'.repeat(61)}`, true],
    ['a 254-character name', `${LONG_LABELS}.${'d'.repeat(62)}`, false],
    ['a single label', 'localhost', false],
    ['a label starting with a dash', '-bad.example.com', false],
    ['a label ending with a dash', 'bad-.example.com', false],
    ['an empty label', 'a..example.com', false],
    ['a space', 'pr1jy6 .aws.confluent.cloud', false],
  ])('takes %s as a mapping domain: %s', (_name, domain, valid) => {
    expect(problemsOf({ owner: 'platform-prod', mappings: [{ service: 'svc', domain }] })).toBe(
      valid ? '' : 'mappings.0.domain: must be a DNS name with at least two labels',
    );
  });

  it.each([
    ['platform-prod', true],
    ['a', true],
    ['0team', true],
    [`p${'x'.repeat(62)}`, true],
    [`p${'x'.repeat(63)}`, false],
    ['-platform', false],
    ['Platform', false],
    ['platform prod', false],
  ])('takes %s as owner: %s', (owner, valid) => {
    expect(problemsOf({ owner }) === '').toBe(valid);
  });

  it.each([
    [1, true],
    [86_400, true],
    [0, false],
    [86_401, false],
    [1.5, false],
  ])('takes a TTL of %s seconds: %s', (ttl, valid) => {
    expect(problemsOf({ owner: 'platform-prod', ttl }) === '').toBe(valid);
  });

  it('reads a custom layout with its record names, and refuses names and keys a zone could not hold', () => {
    // Prepare
    const layouts = {
      'access-point': {
        records: [
          { name: '@', from: 'regional' },
          { name: '*.{zone}', from: 'zonal' },
        ],
      },
    };

    // Act
    const parsed = parseConfig({ owner: 'platform-prod', layouts });

    // Assess
    expect(parsed.layouts['access-point']).toEqual({ ...layouts['access-point'], collapseSingleZone: false });
    expect(problemsOf({ owner: 'p', layouts: { Bad: layouts['access-point'] } })).toMatch(/^layouts\.Bad/);
    expect(problemsOf({ owner: 'p', layouts: { ok: { records: [{ name: 'a b', from: 'zonal' }] } } })).toBe(
      'layouts.ok.records.0.name: must be a relative name such as *, *.{zone} or @',
    );
    expect(problemsOf({ owner: 'p', layouts: { ok: { records: [] } } })).toMatch(/^layouts\.ok\.records/);
    expect(problemsOf({ owner: 'p', layouts: { ok: { records: [{ name: '*', from: 'zonal', ttl: 5 }] } } })).toMatch(
      /ttl/,
    );
  });

  it('fills the documented tag keys and empty lists', () => {
    expect(parseConfig({ owner: 'platform-prod' })).toMatchObject({
      tagKeys: { domain: 'linkdns:domain', layout: 'linkdns:layout', zone: 'linkdns-zone' },
      layouts: {},
      mappings: [],
      allowedDomains: [],
      zoneOverrides: {},
      notifications: [],
    });
    expect(parseConfig({ owner: 'p', tagKeys: { domain: 'dns-domain' } }).tagKeys).toEqual({
      domain: 'dns-domain',
      layout: 'linkdns:layout',
      zone: 'linkdns-zone',
    });
  });

  it('names the root when the configuration is not an object', () => {
    expect(problemsOf([])).toMatch(/^\(root\): /);
  });

  it('refuses a zone override that is not a zone label', () => {
    expect(problemsOf({ owner: 'p', zoneOverrides: { 's-nk99e-privatelink-1.*': 'Zone 1' } })).toMatch(
      /^zoneOverrides\./,
    );
    expect(problemsOf({ owner: 'p', zoneOverrides: { 's-nk99e-privatelink-1.*': 'az1!' } })).toMatch(
      /^zoneOverrides\./,
    );
    expect(problemsOf({ owner: 'p', zoneOverrides: { 's-nk99e-privatelink-1.*': 'az1' } })).toBe('');
  });

  it('refuses a layout key with characters after a valid start', () => {
    expect(problemsOf({ owner: 'p', layouts: { 'ok!': { records: [{ name: '*', from: 'regional' }] } } })).toMatch(
      /^layouts\.ok!/,
    );
  });

  it('explains what an owner must look like', () => {
    expect(problemsOf({ owner: 'Platform' })).toBe('owner: must be lowercase letters, digits and dashes (max 63)');
  });

  it.each([
    ['az1', true],
    ['us-central1-a', true],
    ['a', true],
    ['AZ1', false],
    ['-a', false],
    ['a-', false],
    ['az1.x', false],
  ])('takes %s as a mapping zone label: %s', (zone, valid) => {
    expect(problemsOf({ owner: 'p', mappings: [{ service: 's', domain: 'a.example.com', zone }] })).toBe(
      valid ? '' : 'mappings.0.zone: must be one DNS label',
    );
  });

  it.each(['aws', 'azure', 'gcp'])('accepts a mapping for the %s cloud', (cloud) => {
    expect(
      parseConfig({ owner: 'p', mappings: [{ cloud, service: 's', domain: 'a.example.com' }] }).mappings[0]?.cloud,
    ).toBe(cloud);
  });
});

describe('resolveMapping across clouds and layouts', () => {
  const multiCloud = parseConfig({
    owner: 'platform-prod',
    mappings: [
      { cloud: 'azure', service: 's-nk99e-privatelink-*', domain: 'p8xo76.centralus.azure.confluent.cloud' },
      { service: 's-nk99e-privatelink-*', domain: 'other.example.com', layout: 'regional' },
    ],
  });

  it('skips a mapping for another cloud and takes the next that matches', () => {
    expect(resolveMapping({ ...endpoint('s-nk99e-privatelink-1.guid'), cloud: 'azure' }, multiCloud)).toMatchObject({
      domain: 'p8xo76.centralus.azure.confluent.cloud',
      layout: { name: 'zonal' },
    });
    expect(resolveMapping(endpoint('s-nk99e-privatelink-1.guid'), multiCloud)).toMatchObject({
      domain: 'other.example.com',
      layout: { name: 'regional' },
    });
  });

  it('lets a layout tag override the mapping’s layout, and refuses a tag that names no layout', () => {
    const tagged = (layout: string) =>
      resolveMapping(endpoint('s-nk99e-privatelink-1.guid', { 'linkdns:layout': layout }), multiCloud);

    expect(tagged('zonal')).toMatchObject({ managed: true, layout: { name: 'zonal' } });
    expect(tagged('fancy')).toEqual({ managed: false, reason: 'tag linkdns:layout=fancy names no layout' });
  });

  it('refuses a domain tag whose layout tag names no layout', () => {
    const tagged = endpoint('x', { 'linkdns:domain': 'abc.aws.confluent.cloud', 'linkdns:layout': 'fancy' });

    expect(resolveMapping(tagged, config)).toEqual({
      managed: false,
      reason: 'tag linkdns:layout=fancy names no layout',
    });
  });

  it('carries the mapping’s zone and advertised zones into the decision, and nothing when the mapping has none', () => {
    // Prepare: what Confluent discovery writes for a PSC network.
    const discovered = parseConfig({
      owner: 'p',
      mappings: [
        {
          cloud: 'gcp',
          service: '*/serviceAttachments/s-6ky22p-service-attachment-us-central1-a',
          domain: '6ky22p.us-central1.gcp.confluent.cloud',
          zone: 'us-central1-a',
          advertisedZones: ['us-central1-a', 'us-central1-b'],
        },
      ],
    });
    const rule = {
      ...endpoint('projects/x/regions/us-central1/serviceAttachments/s-6ky22p-service-attachment-us-central1-a'),
      cloud: 'gcp' as const,
    };

    // Act / Assess
    expect(resolveMapping(rule, discovered)).toMatchObject({
      managed: true,
      zone: 'us-central1-a',
      advertisedZones: ['us-central1-a', 'us-central1-b'],
    });
    const plain = resolveMapping(endpoint('com.amazonaws.vpce.us-east-2.vpce-svc-0abc123'), config);
    expect(plain).not.toHaveProperty('zone');
    expect(plain).not.toHaveProperty('advertisedZones');
  });

  it('says which service no mapping matches', () => {
    expect(resolveMapping(endpoint('com.amazonaws.us-east-2.s3'), config)).toEqual({
      managed: false,
      reason: 'no mapping matches service com.amazonaws.us-east-2.s3',
    });
  });

  it('lists every mapped and allowed domain once, sorted', () => {
    const twice = parseConfig({
      owner: 'p',
      allowedDomains: ['b.example.com', 'a.example.com'],
      mappings: [
        { service: 'x', domain: 'b.example.com' },
        { service: 'y', domain: 'c.example.com' },
      ],
    });

    expect(managedDomains(twice)).toEqual(['a.example.com', 'b.example.com', 'c.example.com']);
  });
});

describe('globMatches, compiled once per pattern', () => {
  it('answers the same after more distinct patterns than it keeps compiled', () => {
    const patterns = Array.from({ length: 600 }, (_, index) => `com.amazonaws.vpce.*.vpce-svc-${index}`);
    const first = patterns.map((pattern) => globMatches(pattern, 'com.amazonaws.vpce.us-east-2.vpce-svc-7'));
    const again = patterns.map((pattern) => globMatches(pattern, 'com.amazonaws.vpce.us-east-2.vpce-svc-7'));
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(again).toEqual(first);
    expect(globMatches('VPCE-SVC-?', 'vpce-svc-7')).toBe(true);
  });
});

describe('globMatches, more', () => {
  it.each([
    ['VPCE-SVC-0ABC', 'vpce-svc-0abc', true],
    ['vpce-svc-0abc', 'x-vpce-svc-0abc', false],
    ['svc+1', 'svc+1', true],
    ['svc+1', 'svcc1', false],
    ['(a|b)', '(a|b)', true],
    ['[ab]', 'a', false],
    ['a$b', 'a$b', true],
    ['s-*-privatelink-?.*', 's-nk99e-privatelink-1.0a1b', true],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});

describe('configuration as teams write and store it', () => {
  const CONFLUENT_SERVICE = 'com.amazonaws.vpce.us-east-2.vpce-svc-0abc123';

  it.each([
    ['a host with its port pasted in', 'pr1jy6.us-east-2.aws.confluent.cloud:9092'],
    ['a label ending in a dash', 'pr1jy6.us-east-2.aws.confluent.cloud-'],
    ['a URL', 'pr1jy6.us-east-2.aws.confluent.cloud/kafka'],
  ])('refuses a mapped domain with %s', (_case, domain) => {
    expect(() => parseConfig({ owner: 'p', mappings: [{ service: CONFLUENT_SERVICE, domain }] })).toThrow(
      /mappings\.0\.domain: must be a DNS name with at least two labels/,
    );
  });

  it('accepts a domain with a one-letter label below the first', () => {
    expect(
      parseConfig({ owner: 'p', mappings: [{ service: CONFLUENT_SERVICE, domain: 'kafka.x.example.com' }] }).mappings[0]
        ?.domain,
    ).toBe('kafka.x.example.com');
  });

  it('reads allowlist depths from 1 to 10 in both forms, and refuses others', () => {
    // Prepare: a deployment stores parsed configuration, where depths sit in allowedDomainDepths.
    const written = {
      owner: 'p',
      allowedDomains: [
        { domain: 'aws.confluent.cloud', depth: 2 },
        { domain: 'azure.confluent.cloud', depth: 10 },
      ],
      allowedDomainDepths: { 'gcp.confluent.cloud': 1 },
    };

    // Act
    const parsed = parseConfig(written);
    const stored = parseConfig(JSON.parse(JSON.stringify(parsed)));

    // Assess
    const depths = { 'aws.confluent.cloud': 2, 'azure.confluent.cloud': 10, 'gcp.confluent.cloud': 1 };
    expect(parsed.allowedDomainDepths).toEqual(depths);
    expect(stored.allowedDomainDepths).toEqual(depths);
    expect(() => parseConfig({ owner: 'p', allowedDomains: [{ domain: 'aws.confluent.cloud', depth: 11 }] })).toThrow(
      /allowedDomains\.0/,
    );
    expect(() => parseConfig({ owner: 'p', allowedDomainDepths: { 'aws.confluent.cloud': 0 } })).toThrow(
      /allowedDomainDepths\.aws\.confluent\.cloud/,
    );
  });

  it('keeps the documented domain tag key when only the zone tag key is renamed', () => {
    expect(parseConfig({ owner: 'p', tagKeys: { zone: 'confluent-az' } }).tagKeys).toEqual({
      domain: 'linkdns:domain',
      layout: 'linkdns:layout',
      zone: 'confluent-az',
    });
  });

  it('reads a hub-and-spoke zones block: creation on, no extra networks unless listed, sources by network id', () => {
    // Prepare
    const hub = '/subscriptions/8f3c2a7e/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub';

    // Act
    const parsed = parseConfig({
      owner: 'p',
      zones: { create: true, sources: { 'pr1jy6.centralus.azure.confluent.cloud': hub } },
    });

    // Assess
    expect(parsed.zones).toEqual({
      create: true,
      extraNetworks: [],
      sources: { 'pr1jy6.centralus.azure.confluent.cloud': hub },
    });
  });

  it('names "configuration" as the source of a problem when the caller names none', () => {
    expect(() => parseConfig('{ owner: ')).toThrow(/^Invalid configuration in configuration:\n {2}- not valid JSON/);
  });

  it('lets an endpoint of the mapped service carry its own domain as a tag, however the tag is written', () => {
    // Prepare: Terraform tags every endpoint with its domain, in upper case and fully qualified.
    const tagged = endpoint(CONFLUENT_SERVICE, { 'linkdns:domain': 'PR1JY6.us-east-2.AWS.confluent.cloud.' });

    // Act
    const decision = resolveMapping(tagged, config);

    // Assess
    expect(decision).toMatchObject({ managed: true, via: 'mapping', domain: 'pr1jy6.us-east-2.aws.confluent.cloud' });
  });

  it('refuses a tag naming an allowlisted domain that is itself below another allowlisted one', () => {
    // Prepare
    const nested = parseConfig({
      owner: 'p',
      allowedDomains: ['confluent.cloud', 'aws.confluent.cloud'],
      mappings: [
        { service: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0abc123', domain: 'lkc9z.eu-west-1.aws.confluent.cloud' },
      ],
    });

    // Act / Assess
    expect(checkTagDomain('aws.confluent.cloud', nested)).toEqual({
      ok: false,
      problem: 'is the allowlisted domain aws.confluent.cloud itself',
    });
    expect(checkTagDomain('Us-East-2.aws.confluent.cloud.', nested)).toEqual({
      ok: true,
      domain: 'us-east-2.aws.confluent.cloud',
    });
  });

  it('refuses a tag naming the second of two mapped domains from another service’s endpoint', () => {
    // Prepare
    const two = parseConfig({
      owner: 'p',
      allowedDomains: [{ domain: 'aws.confluent.cloud', depth: 2 }],
      mappings: [
        { service: CONFLUENT_SERVICE, domain: 'pr1jy6.us-east-2.aws.confluent.cloud' },
        { service: 'com.amazonaws.vpce.us-west-2.vpce-svc-0def456', domain: 'lkc9z.us-west-2.aws.confluent.cloud' },
      ],
    });

    // Act / Assess
    expect(checkTagDomain('lkc9z.us-west-2.aws.confluent.cloud', two)).toEqual({
      ok: false,
      problem: 'names lkc9z.us-west-2.aws.confluent.cloud, which a mapping manages for another service',
    });
    expect(checkTagDomain('abc123.eu-west-1.aws.confluent.cloud', two)).toEqual({
      ok: true,
      domain: 'abc123.eu-west-1.aws.confluent.cloud',
    });
    expect(checkTagDomain('pr1jy6.us-east-2.aws.confluent.cloud:9092', two)).toEqual({
      ok: false,
      problem: 'is not a DNS name (letters, digits, dashes; two labels or more)',
    });
  });

  it('refuses a tag naming a parent or a name inside a mapped domain, saying which', () => {
    // Prepare
    const wide = parseConfig({
      owner: 'p',
      allowedDomains: ['confluent.cloud'],
      mappings: [{ service: CONFLUENT_SERVICE, domain: 'pr1jy6.us-east-2.aws.confluent.cloud' }],
    });

    // Act / Assess
    expect(checkTagDomain('aws.confluent.cloud', wide)).toEqual({
      ok: false,
      problem: 'is a parent of the managed domain pr1jy6.us-east-2.aws.confluent.cloud',
    });
    expect(checkTagDomain('use2-az1.pr1jy6.us-east-2.aws.confluent.cloud', wide)).toEqual({
      ok: false,
      problem: 'lies inside pr1jy6.us-east-2.aws.confluent.cloud, which a mapping manages',
    });
  });

  it('lets a tag name a domain exactly the stated depth below its entry, and no other depth', () => {
    // Prepare
    const deep = parseConfig({ owner: 'p', allowedDomains: [{ domain: 'confluent.cloud', depth: 3 }] });

    // Act / Assess
    expect(checkTagDomain('pr1jy6.us-east-2.aws.confluent.cloud', deep)).toMatchObject({ ok: true });
    expect(checkTagDomain('us-east-2.aws.confluent.cloud', deep)).toMatchObject({ ok: false });
    expect(checkTagDomain('x.pr1jy6.us-east-2.aws.confluent.cloud', deep)).toMatchObject({ ok: false });
  });
});
