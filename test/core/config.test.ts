import { describe, expect, it } from 'vitest';
import { globMatches, parseConfig, resolveMapping } from '../../functions/core/config.ts';
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
    expect(hubOnly.zones).toEqual({ create: false, extraNetworks: ['vpc-0hub'] });
    expect(config.zones).toEqual({ create: false, extraNetworks: [] });
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
