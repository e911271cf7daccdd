import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleRepairCoordinator } from '../../functions/aws/handlers/repair-coordinator.ts';
import { handleRepairWorker } from '../../functions/aws/handlers/repair-worker.ts';
import type { RunReport } from '../../functions/core/report.ts';
import {
  addNetwork,
  addSite,
  createRepairRuntime,
  type RepairHarness,
  startRepairHarness,
  zoneRecords,
} from './scheduled-repair-harness.ts';

let harness: RepairHarness;
beforeEach(async () => {
  harness = await startRepairHarness();
});
afterEach(async () => {
  await harness.close();
});

/**
 * Issue #14 item 1 on the local AWS, through the real handlers and SDK clients (Route 53, EC2 and SQS over HTTP):
 * the coordinator lists what to check and sends batches to the sweep queue; the local SQS plays Lambda's event source
 * mapping (batches of messages to the worker, partial batch failures redelivered, dead-lettered after 3 receives).
 */
describe('repair fan-out: coordinator → SQS → workers', () => {
  it('checks every zone once, in small batches, and a failing zone neither blocks nor hides the others', async () => {
    // Prepare: 12 zones (3 networks x 4 VPCs), none written yet, plus an orphan zone whose endpoint is gone
    const networks = ['aaa', 'bbb', 'ccc'].map((name) =>
      addNetwork(harness, `${name}fan.us-east-2.aws.confluent.cloud`),
    );
    const vpcs = Array.from({ length: 4 }, () =>
      harness.aws.ec2.addVpcWithSubnets(['use2-az1', 'use2-az2', 'use2-az3']),
    );
    const sites = vpcs.flatMap(({ vpcId, subnets }) =>
      networks.map((network) =>
        addSite(harness, network, { vpcId, subnetIds: subnets.map((subnet) => subnet.subnetId) }),
      ),
    );
    const dlq = harness.aws.sqs.createQueue('linkdns-sweep-dlq');
    const queue = harness.aws.sqs.createQueue('linkdns-sweep', { queue: dlq, maxReceiveCount: 3 });
    const { runtime } = await createRepairRuntime(harness, networks, {
      env: { LINKDNS_SWEEP_QUEUE_URL: queue, LINKDNS_SWEEP_BATCH_ZONES: '4' },
    });
    const broken = sites[5];
    if (!broken) throw new Error('sites expected');
    harness.aws.faults.add({
      operation: 'ChangeResourceRecordSets',
      match: (request) => request.path.includes(`/hostedzone/${broken.zoneId}/`),
      code: 'InternalError',
    });
    harness.aws.requests.reset();

    // Act: the coordinator, then the event source mapping until the queue is drained
    const started = await handleRepairCoordinator(runtime);
    const again = await handleRepairCoordinator(runtime);
    const reports: RunReport[] = [];
    let deliveries = 0;
    while (
      (await harness.aws.sqs.deliver(
        queue,
        async (event) => {
          deliveries += 1;
          const result = await handleRepairWorker(event as unknown as SQSEvent, runtime);
          reports.push(...result.reports);
          return { batchItemFailures: [...result.batchItemFailures] };
        },
        2,
      )) > 0
    ) {
      // keep polling
    }

    // Assess: 12 targets in 3 batches of 4; the second schedule tick started no sweep while one was in flight
    expect(started).toMatchObject({ items: 12, messages: 3, batchSize: 4 });
    expect(again.skipped).toMatch(/previous sweep/);
    expect(harness.aws.requests.count('SendMessageBatch')).toBe(1);
    // Every zone but the broken one was written and verified
    for (const site of sites.filter((candidate) => candidate !== broken)) {
      expect(Object.keys(zoneRecords(harness, site.zoneId))).toContain(`*.${site.domain} CNAME`);
    }
    expect(zoneRecords(harness, broken.zoneId)).toEqual({});
    // The broken zone's batch was retried (3 receives) and dead-lettered; it was reported failed each time
    const failedReports = reports.flatMap((report) => report.zones).filter((zone) => zone.outcome === 'failed');
    expect(failedReports.map((zone) => zone.zoneId)).toEqual([broken.zoneId, broken.zoneId, broken.zoneId]);
    expect(harness.aws.sqs.bodies(dlq)).toHaveLength(1);
    expect(harness.aws.sqs.bodies(dlq)[0]).toContain(broken.domain);
    expect(harness.aws.sqs.bodies(queue)).toEqual([]);
    // Each zone was checked in its batch: 12 zones, the broken batch's 4 zones twice more
    const checked = reports.flatMap((report) => report.zones).filter((zone) => zone.outcome !== 'not-checked');
    expect(checked).toHaveLength(12 + 2 * 4);
    // The broken batch came back twice more, riding along with other messages or alone
    expect(deliveries).toBeGreaterThanOrEqual(3);
  });

  it('finds a zone whose endpoint vanished through its registry and cleans it up', async () => {
    // Prepare: two zones written by a first sweep; then one endpoint is deleted without any event
    const network = addNetwork(harness, 'orphan.us-east-2.aws.confluent.cloud');
    const [kept, orphaned] = [addSite(harness, network), addSite(harness, network)];
    if (!kept || !orphaned) throw new Error('sites expected');
    const queue = harness.aws.sqs.createQueue('linkdns-sweep');
    const { runtime } = await createRepairRuntime(harness, [network], { env: { LINKDNS_SWEEP_QUEUE_URL: queue } });
    const sweep = async () => {
      await handleRepairCoordinator(runtime);
      while (
        (await harness.aws.sqs.deliver(queue, async (event) =>
          handleRepairWorker(event as unknown as SQSEvent, runtime),
        )) > 0
      ) {
        // keep polling
      }
    };
    await sweep();
    expect(Object.keys(zoneRecords(harness, orphaned.zoneId))).toContain(`*.${network.domain} CNAME`);
    harness.aws.ec2.deleteEndpoints([orphaned.endpointId]);

    // Act
    await sweep();

    // Assess
    expect(Object.keys(zoneRecords(harness, orphaned.zoneId))).toEqual([]);
    expect(Object.keys(zoneRecords(harness, kept.zoneId))).toContain(`*.${network.domain} CNAME`);
  });

  it('starts no zone after its share of the timeout and hands the zones it did not start back to the queue', async () => {
    // Prepare: 5 zones in one batch, read one at a time, each record listing taking 150 ms; a 1 s timeout of which a
    // worker may use half, so one invocation cannot start them all
    const network = addNetwork(harness, 'share.us-east-2.aws.confluent.cloud');
    const sites = Array.from({ length: 5 }, () => addSite(harness, network));
    const queue = harness.aws.sqs.createQueue('linkdns-sweep');
    const { runtime } = await createRepairRuntime(harness, [network], {
      env: {
        LINKDNS_SWEEP_QUEUE_URL: queue,
        LINKDNS_SWEEP_BATCH_ZONES: '5',
        LINKDNS_WORKER_TIMEOUT_SECONDS: '1',
        LINKDNS_INVOCATION_SHARE: '0.5',
        LINKDNS_ZONE_CONCURRENCY: '1',
      },
    });
    harness.aws.faults.add({ operation: 'ListResourceRecordSets', latencyMs: 150 });

    // Act
    const started = await handleRepairCoordinator(runtime);
    const deliveries: { reports: RunReport[]; failed: number; handedBack: number }[] = [];
    while (
      (await harness.aws.sqs.deliver(queue, async (event) => {
        const result = await handleRepairWorker(event as unknown as SQSEvent, runtime);
        deliveries.push({
          reports: [...result.reports],
          failed: result.batchItemFailures.length,
          handedBack: result.handedBack,
        });
        return { batchItemFailures: [...result.batchItemFailures] };
      })) > 0
    ) {
      // keep polling
    }

    // Assess: the first invocation checked some zones and sent the others back as a new message, which later
    // invocations took up; no message was redelivered and no zone was checked twice
    expect(started).toMatchObject({ messages: 1 });
    const zones = deliveries.map(({ reports }) => reports.flatMap((report) => report.zones));
    const checked = zones.map((list) =>
      list.filter((zone) => zone.outcome !== 'not-checked').map((zone) => zone.zoneId),
    );
    expect(zones[0]?.some((zone) => zone.outcome === 'not-checked')).toBe(true);
    expect(checked[0]?.length).toBeGreaterThan(0);
    expect(deliveries.length).toBeGreaterThan(1);
    expect(deliveries.every(({ failed }) => failed === 0)).toBe(true);
    expect(new Set(checked.flat()).size).toBe(sites.length);
    expect(checked.flat()).toHaveLength(sites.length);
    expect(deliveries.map(({ handedBack }) => handedBack)).toEqual(
      zones.map((list) => list.filter((zone) => zone.outcome === 'not-checked').length),
    );
    expect(deliveries.at(-1)?.handedBack).toBe(0);
    // One send by the coordinator, one per invocation that handed zones back
    expect(harness.aws.requests.count('SendMessageBatch')).toBe(1 + deliveries.length - 1);
    for (const site of sites) {
      expect(Object.keys(zoneRecords(harness, site.zoneId))).toContain(`*.${site.domain} CNAME`);
    }
    expect(harness.aws.sqs.bodies(queue)).toEqual([]);
  }, 60_000);

  it('looks up no VPC after its share of the time; the workers find those zones and the sweep still converges', async () => {
    // Prepare: 2 networks x 3 VPCs, no zone written yet
    const networks = ['ddd', 'eee'].map((name) => addNetwork(harness, `${name}fan.us-east-2.aws.confluent.cloud`));
    const vpcs = Array.from({ length: 3 }, () => harness.aws.ec2.addVpcWithSubnets(['use2-az1', 'use2-az2']));
    const sites = vpcs.flatMap(({ vpcId, subnets }) =>
      networks.map((network) =>
        addSite(harness, network, { vpcId, subnetIds: subnets.map((subnet) => subnet.subnetId) }),
      ),
    );
    const queue = harness.aws.sqs.createQueue('linkdns-sweep');
    const { runtime } = await createRepairRuntime(harness, networks, { env: { LINKDNS_SWEEP_QUEUE_URL: queue } });
    harness.aws.requests.reset();

    // Act: a coordinator with no time left for look-ups, then the workers
    const started = await handleRepairCoordinator(runtime, undefined, 0);
    const lookUpsByCoordinator = harness.aws.requests.count('ListHostedZonesByVPC');
    while (
      (await harness.aws.sqs.deliver(queue, async (event) =>
        handleRepairWorker(event as unknown as SQSEvent, runtime),
      )) > 0
    ) {
      // keep polling
    }

    // Assess: 6 endpoint targets without zone ids and the 6 zones as zone items; every zone written all the same
    expect(lookUpsByCoordinator).toBe(0);
    expect(started.items).toBe(12);
    for (const site of sites) {
      expect(Object.keys(zoneRecords(harness, site.zoneId))).toContain(`*.${site.domain} CNAME`);
    }
    expect(harness.aws.sqs.bodies(queue)).toEqual([]);
  });

  it('lists no zone page after its share of the time; a worker carries the listing on and the zones past it are repaired', async () => {
    // Prepare: a brownfield account — 130 private zones of other teams under the managed domain (their own VPCs, no
    // linkdns registry) listed before linkdns's two zones, so linkdns's land on ListHostedZones' second page (100 a
    // page); a first sweep writes both, then one endpoint is deleted without any event
    const network = addNetwork(harness, 'pages.us-east-2.aws.confluent.cloud');
    const foreign = Array.from({ length: 130 }, () => {
      const { vpcId } = harness.aws.ec2.addVpcWithSubnets(['use2-az1']);
      return harness.aws.route53.createZone({
        name: network.domain,
        vpcs: [{ region: harness.aws.ec2.region, id: vpcId }],
      });
    });
    const [kept, orphaned] = [addSite(harness, network), addSite(harness, network)];
    if (!kept || !orphaned) throw new Error('sites expected');
    const queue = harness.aws.sqs.createQueue('linkdns-sweep');
    const { runtime } = await createRepairRuntime(harness, [network], {
      env: { LINKDNS_SWEEP_QUEUE_URL: queue, LINKDNS_ROUTE53_RATE: '50' },
    });
    const drain = async () => {
      while (
        (await harness.aws.sqs.deliver(queue, async (event) =>
          handleRepairWorker(event as unknown as SQSEvent, runtime),
        )) > 0
      ) {
        // keep polling
      }
    };
    await handleRepairCoordinator(runtime);
    await drain();
    expect(Object.keys(zoneRecords(harness, orphaned.zoneId))).toContain(`*.${network.domain} CNAME`);
    harness.aws.ec2.deleteEndpoints([orphaned.endpointId]);
    harness.aws.requests.reset();

    // Act: a coordinator whose share is spent after its first call, then the workers
    const started = await handleRepairCoordinator(runtime, undefined, 0);
    const listedByCoordinator = harness.aws.requests.entries.filter((entry) => entry.operation === 'ListHostedZones');
    const continuations = harness.aws.sqs.bodies(queue).filter((body) => body.includes('listZonesFrom'));
    await drain();

    // Assess: the coordinator listed one page and queued where to go on; a worker listed the second page from there
    expect(listedByCoordinator).toHaveLength(1);
    expect(started.continuations).toBe(1);
    expect(continuations).toHaveLength(1);
    const listings = harness.aws.requests.entries.filter((entry) => entry.operation === 'ListHostedZones');
    expect(listings.map((entry) => entry.query?.get('marker'))).toEqual([null, foreign[100]?.id]);
    // The orphan, on the page the coordinator never listed, was found through its registry and cleaned up
    expect(Object.keys(zoneRecords(harness, orphaned.zoneId))).toEqual([]);
    expect(Object.keys(zoneRecords(harness, kept.zoneId))).toContain(`*.${network.domain} CNAME`);
    // Other teams' zones were read, never written
    const written = harness.aws.requests.writes().filter((entry) => entry.operation === 'ChangeResourceRecordSets');
    expect(written.every((entry) => entry.path.includes(orphaned.zoneId))).toBe(true);
    expect(harness.aws.sqs.bodies(queue)).toEqual([]);
  });

  it('drops a continuation whose cursor is not a hosted zone ID without listing anything', async () => {
    const network = addNetwork(harness, 'cursor.us-east-2.aws.confluent.cloud');
    const queue = harness.aws.sqs.createQueue('linkdns-sweep');
    const { runtime } = await createRepairRuntime(harness, [network], { env: { LINKDNS_SWEEP_QUEUE_URL: queue } });
    harness.aws.requests.reset();

    const result = await handleRepairWorker(
      {
        Records: [{ messageId: 'm-1', body: JSON.stringify({ linkdnsSweep: 1, listZonesFrom: '../hostedzone?x=1' }) }],
      } as unknown as SQSEvent,
      runtime,
    );

    expect(result.batchItemFailures).toEqual([]);
    expect(harness.aws.requests.count()).toBe(0);
  });

  it('lists no endpoint page after its share of the time; a worker carries the listing on and those endpoints’ zones are written', async () => {
    // Prepare: 60 endpoints (3 networks x 20 VPCs), more than one DescribeVpcEndpoints page (50), no zone written yet
    const networks = ['fff', 'ggg', 'hhh'].map((name) =>
      addNetwork(harness, `${name}fan.us-east-2.aws.confluent.cloud`),
    );
    const sites = Array.from({ length: 20 }, () => harness.aws.ec2.addVpcWithSubnets(['use2-az1', 'use2-az2'])).flatMap(
      ({ vpcId, subnets }) =>
        networks.map((network) =>
          addSite(harness, network, { vpcId, subnetIds: subnets.map((subnet) => subnet.subnetId) }),
        ),
    );
    const queue = harness.aws.sqs.createQueue('linkdns-sweep');
    const { runtime } = await createRepairRuntime(harness, networks, {
      env: { LINKDNS_SWEEP_QUEUE_URL: queue, LINKDNS_ROUTE53_RATE: '50' },
    });
    harness.aws.requests.reset();

    // Act: a coordinator whose share is spent after its first page of each listing, then the workers
    const started = await handleRepairCoordinator(runtime, undefined, 0);
    const describedByCoordinator = harness.aws.requests.count('DescribeVpcEndpoints');
    const continuations = harness.aws.sqs.bodies(queue).filter((body) => body.includes('listEndpointsFrom'));
    const results: Awaited<ReturnType<typeof handleRepairWorker>>[] = [];
    while (
      (await harness.aws.sqs.deliver(queue, async (event) => {
        const result = await handleRepairWorker(event as unknown as SQSEvent, runtime);
        results.push(result);
        return { batchItemFailures: [...result.batchItemFailures] };
      })) > 0
    ) {
      // keep polling
    }

    // Assess: the coordinator read one page of endpoints (50 of the 60) and queued where to go on; one worker listed
    // the rest from there and queued their targets; every zone holds its records
    expect(describedByCoordinator).toBe(1);
    expect(started.continuations).toBe(1);
    expect(continuations).toHaveLength(1);
    const listed = results.flatMap((result) => result.listed);
    expect(listed).toEqual([expect.objectContaining({ outcome: 'sweep-continued', items: 10, continuations: 0 })]);
    for (const site of sites) {
      expect(Object.keys(zoneRecords(harness, site.zoneId))).toContain(`*.${site.domain} CNAME`);
    }
    expect(results.flatMap((result) => result.batchItemFailures)).toEqual([]);
    expect(harness.aws.sqs.bodies(queue)).toEqual([]);
  }, 60_000);
});
