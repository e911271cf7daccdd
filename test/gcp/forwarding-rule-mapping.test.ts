import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { type ForwardingRuleDescription, observeForwardingRule } from '../../functions/gcp/forwarding-rule-mapping.ts';

/** The first PSC rule of events/gcp/cli, as `gcloud compute forwarding-rules list --format=json` prints it. */
const RULE: ForwardingRuleDescription = JSON.parse(
  readFileSync(new URL('../../events/gcp/cli/psc-3-zones.forwarding-rules.json', import.meta.url), 'utf8'),
)[0];
const observe = (overrides: Partial<ForwardingRuleDescription>) =>
  observeForwardingRule({ ...RULE, ...overrides }, 'gcloud output');

describe('observeForwardingRule', () => {
  it('reads the PSC rule for zone us-central1-a: its IP in * and *.us-central1-a, its network and labels', () => {
    // Act
    const endpoint = observe({ labels: { 'linkdns:domain': '6ky22p.us-central1.gcp.confluent.cloud' } });

    // Assess
    expect(endpoint).toEqual({
      cloud: 'gcp',
      id: 'https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-central1/forwardingRules/confluent-psc-us-central1-a',
      state: 'available',
      rawState: 'ACCEPTED',
      scope: 'https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/kafka-consumers',
      service: RULE.target,
      targetKind: 'ip',
      regional: ['10.2.0.11'],
      zonal: { 'us-central1-a': ['10.2.0.11'] },
      tags: { 'linkdns:domain': '6ky22p.us-central1.gcp.confluent.cloud' },
    });
  });

  it.each([
    ['ACCEPTED', 'available'],
    ['PENDING', 'pending'],
    ['REJECTED', 'rejected'],
    ['CLOSED', 'deleted'],
    ['NEEDS_ATTENTION', 'failed'],
    ['STATUS_UNSPECIFIED', 'unknown'],
    ['SOMETHING_NEW', 'unknown'],
  ])('reads pscConnectionStatus %s as %s', (status, state) => {
    expect(observe({ pscConnectionStatus: status })).toMatchObject({ state, rawState: status });
  });

  it('takes a rule without pscConnectionStatus (older API output) as available, with no raw state', () => {
    // Act
    const endpoint = observe({ pscConnectionStatus: undefined });

    // Assess
    expect(endpoint.state).toBe('available');
    expect(endpoint).not.toHaveProperty('rawState');
  });

  it('uses the rule name as id when the output has no selfLink', () => {
    expect(observe({ selfLink: undefined }).id).toBe('confluent-psc-us-central1-a');
  });

  it('writes no zonal record for a service attachment whose name carries no zone', () => {
    // Prepare
    const regionalAttachment =
      'https://www.googleapis.com/compute/v1/projects/cc-sa-ap1/regions/us-central1/serviceAttachments/ap-gateway';

    // Act / Assess
    expect(observe({ target: regionalAttachment }).zonal).toEqual({});
  });

  it.each([
    ['name', { name: undefined }, 'gcloud output: missing name'],
    ['IPAddress', { IPAddress: '' }, 'gcloud output confluent-psc-us-central1-a: missing IPAddress'],
    ['target', { target: undefined }, 'gcloud output confluent-psc-us-central1-a: missing target'],
    ['network', { network: undefined }, 'gcloud output confluent-psc-us-central1-a: missing network'],
  ])('names the missing %s', (_field, overrides, message) => {
    expect(() => observe(overrides)).toThrow(new InvalidInputError(message));
  });

  it('refuses a rule whose IPAddress is not an IPv4 address', () => {
    expect(() => observe({ IPAddress: 'fd20:a::11' })).toThrow(
      'gcloud output confluent-psc-us-central1-a: IPAddress fd20:a::11 is not an IPv4 address',
    );
    expect(() => observe({ IPAddress: '10.2.0.11/32' })).toThrow(/is not an IPv4 address/);
    expect(() => observe({ IPAddress: 'ip 10.2.0.11' })).toThrow(/is not an IPv4 address/);
  });

  it('refuses a rule that targets a backend service instead of a service attachment', () => {
    // Prepare
    const backend = 'https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-central1/backendServices/web';

    // Act / Assess
    expect(() => observe({ target: backend })).toThrow(
      `gcloud output confluent-psc-us-central1-a: target ${backend} is not a Private Service Connect service attachment`,
    );
  });

  it.each([
    ['null', null, 'found null'],
    ['a string', 'confluent-psc-us-central1-a', 'found string'],
    ['an array', [RULE], 'found object'],
  ])('refuses %s where a rule object belongs', (_case, value, found) => {
    expect(() => observeForwardingRule(value as unknown as ForwardingRuleDescription, 'rules.json')).toThrow(
      `rules.json: expected a forwarding rule object, ${found}`,
    );
  });

  it('names a field that is null as missing and one of another type as not a string', () => {
    expect(() => observe({ network: null as unknown as string })).toThrow(
      new InvalidInputError('gcloud output confluent-psc-us-central1-a: missing network'),
    );
    expect(() => observe({ IPAddress: 10 as unknown as string })).toThrow(
      new InvalidInputError('gcloud output confluent-psc-us-central1-a: IPAddress is not a string'),
    );
  });

  it('uses the name as id when selfLink is empty, and keeps only string labels', () => {
    // Act
    const endpoint = observe({
      selfLink: '',
      labels: {
        team: 'data',
        cost: 12 as unknown as string,
        'linkdns:domain': '6ky22p.us-central1.gcp.confluent.cloud',
      },
    });

    // Assess
    expect(endpoint.id).toBe('confluent-psc-us-central1-a');
    expect(endpoint.tags).toEqual({ team: 'data', 'linkdns:domain': '6ky22p.us-central1.gcp.confluent.cloud' });
    expect(observe({ labels: null as unknown as Record<string, string> }).tags).toEqual({});
  });

  it.each([
    ['a two-digit region', 's-abc-service-attachment-europe-west10-b', { 'europe-west10-b': ['10.2.0.11'] }],
    ['a suffix after the zone', 's-abc-service-attachment-us-central1-a-v2', {}],
  ])('reads the zone of an attachment with %s', (_case, attachment, zonal) => {
    const target = `https://www.googleapis.com/compute/v1/projects/cc/regions/r/serviceAttachments/${attachment}`;

    expect(observe({ target }).zonal).toEqual(zonal);
  });
});
