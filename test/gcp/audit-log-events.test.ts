import { describe, expect, it } from 'vitest';
import {
  forwardingRuleOf,
  isCaller,
  parseAuditLogEvent,
  recordChangeOf,
} from '../../functions/gcp/audit-log-events.ts';
import { LINKDNS_SA, readJson, ruleSelfLink } from './gcp-harness.ts';

interface Sample {
  id?: string;
  type: string;
  data: { protoPayload?: Record<string, unknown> };
}

const sample = (name: string) => structuredClone(readJson(`events/gcp/${name}.json`)) as Sample;
const setPayload = (raw: Sample, fields: Record<string, unknown>) => {
  raw.data.protoPayload = { ...raw.data.protoPayload, ...fields };
};

describe('forwarding-rule events', () => {
  it('names the rule of an insert sample by its v1 self link, first entry of the operation', () => {
    // Act
    const event = parseAuditLogEvent(sample('forwarding-rule-insert'));

    // Assess
    expect(event.operationPhase).toBe('first');
    expect(forwardingRuleOf(event)).toBe(ruleSelfLink('confluent-psc-us-central1-b'));
  });

  it('names the rule of a delete sample, last entry of the operation', () => {
    // Act
    const event = parseAuditLogEvent(sample('forwarding-rule-delete'));

    // Assess
    expect(event.operationPhase).toBe('last');
    expect(forwardingRuleOf(event)).toBe(ruleSelfLink('confluent-psc-us-central1-b'));
  });

  it.each([
    'v1.compute.forwardingRules.insert',
    'beta.compute.forwardingRules.insert',
    'V1.COMPUTE.FORWARDINGRULES.DELETE',
    'v1.compute.forwardingRules.setLabels',
  ])('accepts the method spelled %s', (methodName) => {
    // Prepare
    const raw = sample('forwarding-rule-delete');
    setPayload(raw, { methodName });

    // Act
    const rule = forwardingRuleOf(parseAuditLogEvent(raw));

    // Assess
    expect(rule).toBe(ruleSelfLink('confluent-psc-us-central1-b'));
  });

  it.each([
    ['another method', (raw: Sample) => setPayload(raw, { methodName: 'v1.compute.instances.insert' })],
    ['another service', (raw: Sample) => setPayload(raw, { serviceName: 'dns.googleapis.com' })],
    [
      'another event type',
      (raw: Sample) => {
        raw.type = 'google.cloud.pubsub.topic.v1.messagePublished';
      },
    ],
    [
      'a load balancer to a target proxy',
      (raw: Sample) =>
        setPayload(raw, {
          request: {
            name: 'ilb-web-https',
            target:
              'https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-central1/targetHttpsProxies/web',
          },
        }),
    ],
    [
      'a passthrough load balancer (backendService, no target)',
      (raw: Sample) =>
        setPayload(raw, {
          request: {
            name: 'ilb-orders',
            loadBalancingScheme: 'INTERNAL',
            backendService:
              'https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-central1/backendServices/be-orders',
          },
        }),
    ],
    [
      'a PSC endpoint for Google APIs (a global rule)',
      (raw: Sample) =>
        setPayload(raw, {
          methodName: 'v1.compute.globalForwardingRules.insert',
          resourceName: 'projects/acme-prod/global/forwardingRules/pscapis',
          request: { name: 'pscapis', target: 'all-apis' },
        }),
    ],
  ])('ignores %s', (_name, change) => {
    // Prepare
    const raw = sample('forwarding-rule-insert');
    change(raw);

    // Act
    const rule = forwardingRuleOf(parseAuditLogEvent(raw));

    // Assess
    expect(rule).toMatchObject({ ignored: expect.any(String) });
  });
});

describe('Cloud DNS events', () => {
  it('names the zone and the person who changed it', () => {
    // Act
    const change = recordChangeOf(parseAuditLogEvent(sample('dns-change-by-person')));

    // Assess
    expect(change).toEqual({ zoneName: 'confluent-6ky22p', principalEmail: 'alice@acme.example' });
  });

  it('falls back to the monitored resource’s zone_name when resourceName names no zone', () => {
    // Prepare
    const raw = sample('dns-change-by-person');
    setPayload(raw, { resourceName: 'projects/acme-prod' });

    // Act
    const change = recordChangeOf(parseAuditLogEvent(raw));

    // Assess
    expect(change).toMatchObject({ zoneName: 'confluent-6ky22p' });
  });

  it('tells linkdns’s own writes apart by the service account email, case-insensitively', () => {
    // Prepare
    const own = parseAuditLogEvent(sample('dns-change-by-linkdns'));
    const person = parseAuditLogEvent(sample('dns-change-by-person'));

    // Act
    const results = [isCaller(own, LINKDNS_SA.toUpperCase()), isCaller(person, LINKDNS_SA), isCaller(own, undefined)];

    // Assess
    expect(results).toEqual([true, false, false]);
  });
});

describe('parseAuditLogEvent', () => {
  it.each([
    [
      'no id',
      (raw: Sample) => {
        delete raw.id;
      },
      'id',
    ],
    [
      'no protoPayload',
      (raw: Sample) => {
        delete raw.data.protoPayload;
      },
      'data.protoPayload',
    ],
    ['a numeric serviceName', (raw: Sample) => setPayload(raw, { serviceName: 7 }), 'data.protoPayload.serviceName'],
  ])('rejects an event with %s, naming the field', (_name, change, field) => {
    // Prepare
    const raw = sample('forwarding-rule-insert');
    change(raw);

    // Act
    const parse = () => parseAuditLogEvent(raw);

    // Assess
    expect(parse).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', message: expect.stringContaining(field) }),
    );
  });
});

describe('forwardingRuleOf with a project number (issue 11)', () => {
  const entry = (labels: Record<string, string>) =>
    parseAuditLogEvent({
      id: 'e1',
      type: 'google.cloud.audit.log.v1.written',
      data: {
        protoPayload: {
          serviceName: 'compute.googleapis.com',
          methodName: 'v1.compute.forwardingRules.delete',
          resourceName: 'projects/123456789012/regions/us-central1/forwardingRules/psc-1',
        },
        resource: { type: 'gce_forwarding_rule', labels },
      },
    });
  const byId = 'https://www.googleapis.com/compute/v1/projects/acme-prod/regions/us-central1/forwardingRules/psc-1';

  it('takes the project id from the monitored resource labels', () => {
    expect(forwardingRuleOf(entry({ project_id: 'acme-prod', region: 'us-central1' }))).toBe(byId);
  });

  it('takes it from the configured number → id map when the labels carry none', () => {
    expect(forwardingRuleOf(entry({}), new Map([['123456789012', 'acme-prod']]))).toBe(byId);
  });

  it('keeps the number when nothing maps it, so the event matches no other project’s rule', () => {
    expect(forwardingRuleOf(entry({}))).toBe(byId.replace('acme-prod', '123456789012'));
  });
});
