import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ENDPOINT_IDS_PER_EVENT } from '../../functions/aws/cloudtrail-events.ts';
import { handleEndpointEvent } from '../../functions/aws/handlers/endpoint-events.ts';
import { handleZoneEvent } from '../../functions/aws/handlers/zone-events.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { type AwsHarness, cloudTrailEvent, DOMAIN, startAwsHarness } from '../support/aws-harness.ts';

/**
 * Issue 12, finding 10 on AWS, through the Lambda handlers, the real SDK clients and the local AWS: hostile or broken
 * events are refused or ignored with a clear reason, never crash, never retry, and change nothing.
 */

let h: AwsHarness;
beforeEach(async () => {
  h = await startAwsHarness();
});
afterEach(async () => {
  await h.close();
});

/** The CreateVpcEndpoint sample with `requestParameters` replaced. */
function endpointEventWith(requestParameters: unknown): Record<string, unknown> {
  const event = structuredClone(cloudTrailEvent('create-vpc-endpoint.json', 'vpce-00000000')) as {
    detail: Record<string, unknown>;
  };
  event.detail.requestParameters = requestParameters;
  event.detail.responseElements = null;
  return event;
}

/** `value` inside `depth` nested arrays. */
function nested(value: unknown, depth: number): unknown {
  let wrapped: unknown = value;
  for (let level = 0; level < depth; level += 1) wrapped = [wrapped];
  return wrapped;
}

/** Well-formed endpoint ids that no endpoint has. */
function unknownIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `vpce-${(0x10000000 + index).toString(16)}`);
}

describe('endpoint events with bad input', () => {
  it.each([5_000, 100_000])('finds an endpoint id nested %i arrays deep (no RangeError)', async (depth) => {
    // Prepare
    const id = await h.createEndpoint(h.subnetIds);

    // Act
    const report = (await handleEndpointEvent(endpointEventWith(nested(id, depth)), h.runtime)) as RunReport;

    // Assess
    expect(report.zones).toMatchObject([{ domain: DOMAIN, outcome: 'changed' }]);
    expect(h.zoneLines()).toHaveLength(4);
  });

  it('reads the endpoints of one event in batches: 450 ids, 3 DescribeVpcEndpoints calls', async () => {
    // Prepare: one live endpoint among 449 ids that no longer exist
    const id = await h.createEndpoint(h.subnetIds);
    h.aws.requests.reset();

    // Act
    const report = (await handleEndpointEvent(
      endpointEventWith({ VpcEndpointId: [...unknownIds(449), id] }),
      h.runtime,
    )) as RunReport;

    // Assess: 200 ids per call (the filter value limit), then the zone work
    expect(report.zones).toMatchObject([{ domain: DOMAIN, outcome: 'changed' }]);
    expect(h.aws.requests.count('DescribeVpcEndpoints')).toBe(3 + 1);
  });

  it(`refuses an event naming more than ${MAX_ENDPOINT_IDS_PER_EVENT} endpoints, reading and writing nothing`, async () => {
    // Prepare
    h.aws.requests.reset();

    // Act
    const result = await handleEndpointEvent(endpointEventWith({ VpcEndpointId: unknownIds(2_000) }), h.runtime);

    // Assess
    expect(result).toEqual({
      rejected: expect.stringMatching(/names 2000 VPC endpoints; more than 1000 in one event is refused/),
    });
    expect(h.aws.requests.count()).toBe(0);
  });
});

describe('zone events with bad input', () => {
  const zoneEvent = (hostedZoneId: string) => {
    const event = JSON.parse(readFileSync('events/aws/change-resource-record-sets.json', 'utf8')) as {
      detail: { requestParameters: { hostedZoneId: string } };
    };
    event.detail.requestParameters.hostedZoneId = hostedZoneId;
    return event;
  };

  it('ignores, and does not retry, an event naming a zone that does not exist (NoSuchHostedZone)', async () => {
    // Prepare
    h.aws.requests.reset();

    // Act
    const result = await handleZoneEvent(zoneEvent('Z0000000000000NOSUCHZONE'), h.runtime);

    // Assess
    expect(result).toEqual({ ignored: expect.stringContaining('does not exist (NoSuchHostedZone)') });
    expect(h.aws.requests.writes()).toEqual([]);
  });

  it('refuses a zone id that is not one, without calling Route 53', async () => {
    // Prepare
    h.aws.requests.reset();

    // Act
    const result = await handleZoneEvent(zoneEvent('../../hostedzone/Z1?x=1'), h.runtime);

    // Assess
    expect(result).toEqual({ rejected: expect.stringContaining('is not a hosted zone id') });
    expect(h.aws.requests.count()).toBe(0);
  });
});
