import { readFileSync } from 'node:fs';
import { InvocationContext, output, type StorageQueueOutput } from '@azure/functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAzureAdapters } from '../../functions/azure/adapters.ts';
import { type AzureHandlers, createAzureHandlers } from '../../functions/azure/handlers.ts';
import { readAzureSettings, SWEEP_QUEUE } from '../../functions/azure/settings.ts';
import { storageQueueDepth } from '../../functions/azure/storage-queue-depth.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { type LocalAzure, startLocalAzure } from '../../local/azure/arm-server.ts';
import { resourceId } from '../../local/azure/arm-store.ts';
import { localAzureClientOptions, localAzureCredential } from '../../local/azure/client-options.ts';
import { seedPrivateDnsZone, seedPrivateEndpoint, zoneSnapshot } from '../../local/azure/seed.ts';
import { LocalStorageQueues, startLocalQueueService } from '../../local/azure/storage-queue.ts';
import { DNS_RG, ENDPOINT_RG, SUBSCRIPTION } from './azure-harness.ts';

const VNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${ENDPOINT_RG}/providers/Microsoft.Network/virtualNetworks/vnet-fan-out`;
const ZONES = 8;
/** 100 requests/s per instance: fast enough for a test, slow enough that the limiter's spacing is measurable. */
const ARM_REQUESTS_PER_HOUR = 360_000;
const host = JSON.parse(readFileSync('functions/azure/host.json', 'utf8')) as {
  extensions: { queues: { maxDequeueCount: number } };
};

const domainOf = (index: number) => `fan${index}.centralus.azure.confluent.cloud`;
const zoneIdOf = (index: number) => resourceId(SUBSCRIPTION, DNS_RG, 'privatednszones', domainOf(index));

interface FanOut {
  readonly azure: LocalAzure;
  readonly handlers: AzureHandlers;
  readonly queues: LocalStorageQueues;
  readonly reports: RunReport[];
  /** The coordinator's output binding, as functions.ts registers it. */
  readonly sweepQueue: StorageQueueOutput;
  close(): Promise<void>;
}

let world: FanOut;

/**
 * The local Azure with one regional-layout endpoint and one linked, empty zone per domain; the app's real adapters.
 * `pageSize`: ARM's list page size; `now`: the handlers' clock.
 */
async function startFanOut(options: { readonly pageSize?: number; readonly now?: () => Date } = {}): Promise<FanOut> {
  const azure = await startLocalAzure(options.pageSize ? { pageSize: options.pageSize } : {});
  for (let index = 0; index < ZONES; index += 1) {
    seedPrivateEndpoint(azure.state, {
      subscriptionId: SUBSCRIPTION,
      resourceGroup: ENDPOINT_RG,
      name: `pe-fan-${index}`,
      subnetId: `${VNET}/subnets/snet-private-endpoints`,
      service: `s-fan${index}-privatelink.5f2c1e0a-7b3d-4c8e-9a6f-1d2e3b4c5a6f.centralus.azure.privatelinkservice`,
      ip: `10.40.0.${10 + index}`,
    });
    seedPrivateDnsZone(azure.state, {
      subscriptionId: SUBSCRIPTION,
      resourceGroup: DNS_RG,
      name: domainOf(index),
      links: [VNET],
    });
  }
  const settings = readAzureSettings({
    LINKDNS_CONFIG: JSON.stringify({
      owner: 'linkdns-azure-prod',
      mappings: Array.from({ length: ZONES }, (_, index) => ({
        cloud: 'azure',
        service: `s-fan${index}-privatelink.*.centralus.azure.privatelinkservice`,
        domain: domainOf(index),
        layout: 'regional',
      })),
    }),
    AZURE_SUBSCRIPTION_ID: SUBSCRIPTION,
    LINKDNS_DNS_RESOURCE_GROUP: DNS_RG,
    LINKDNS_ARM_REQUESTS_PER_HOUR: String(ARM_REQUESTS_PER_HOUR),
    LINKDNS_SWEEP_BATCH_ZONES: '3',
  });
  // What functions.ts builds, on the local Azure: one ARM limiter under both SDK clients.
  const { endpoints, dns } = createAzureAdapters(settings, localAzureCredential, {
    clientOptions: localAzureClientOptions(azure.baseUrl),
  });
  const reports: RunReport[] = [];
  const sweepQueue = output.storageQueue({ queueName: SWEEP_QUEUE.name, connection: SWEEP_QUEUE.connection });
  const queues = new LocalStorageQueues({ maxDequeueCount: host.extensions.queues.maxDequeueCount });
  const queueService = await startLocalQueueService(queues, [SWEEP_QUEUE.name, SWEEP_QUEUE.poison]);
  const handlers = createAzureHandlers({
    endpoints,
    dns,
    settings,
    sweepQueue,
    ...(options.now ? { now: options.now } : {}),
    sweepBacklog: storageQueueDepth({
      serviceUri: queueService.serviceUri,
      queue: SWEEP_QUEUE.name,
      credential: localAzureCredential,
    }),
    notifier: {
      notify: async (report) => {
        reports.push(report);
      },
    },
  });
  return {
    azure,
    handlers,
    queues,
    reports,
    sweepQueue,
    close: async () => {
      await queueService.close();
      await azure.close();
    },
  };
}

const quiet = () => undefined;

const timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '2026-11-26T03:45:00Z', next: '2026-11-26T04:15:00Z', lastUpdated: '2026-11-26T03:45:00Z' },
};

/** The timer fires: the coordinator runs and the host writes its output binding to the sweep queue. */
async function coordinate(): Promise<unknown> {
  const context = new InvocationContext({
    invocationId: 'coordinator',
    functionName: 'scheduledRepair',
    logHandler: quiet,
  });
  const result = await world.handlers.repairCoordinator(timer, context);
  world.queues.writeOutput(SWEEP_QUEUE.name, context.extraOutputs.get(world.sweepQueue));
  return result;
}

/**
 * The queue trigger, until the sweep queue is empty; as the host does, a worker's output binding (the batches of a
 * zone listing it carried on) is written to the queue when it returns, and dropped when it throws. `onDelivery` sees
 * each message before its worker runs. Returns the worker invocations.
 */
async function drain(onDelivery?: (message: unknown) => void): Promise<number> {
  let invocations = 0;
  while (
    (await world.queues.deliver(SWEEP_QUEUE.name, async (message, triggerMetadata) => {
      onDelivery?.(message);
      const context = new InvocationContext({
        invocationId: `worker-${invocations}`,
        functionName: 'repairWorker',
        triggerMetadata,
        logHandler: quiet,
      });
      const result = await world.handlers.repairWorker(message, context);
      const written = context.extraOutputs.get(world.sweepQueue);
      if (written !== undefined) world.queues.writeOutput(SWEEP_QUEUE.name, written);
      return result;
    })) > 0
  ) {
    invocations += 1;
  }
  return invocations;
}

beforeEach(async () => {
  world = await startFanOut();
});
afterEach(async () => {
  await world.close();
});

/**
 * Issue #14 on Azure, through the real handlers and SDK clients against the local ARM: the timer's coordinator writes
 * the sweep to the Storage queue through its output binding, the queue trigger runs a worker per batch, a batch that
 * keeps failing is retried `maxDequeueCount` times (host.json) and then lands in `linkdns-sweep-poison`.
 */
describe('Azure repair fan-out: timer coordinator → Storage queue → queue-triggered workers', () => {
  it('checks every zone, retries a failing zone’s batch and moves it to the poison queue without holding back the rest', async () => {
    // Prepare: zone 4 (second batch) answers 500 to every record-set write
    const broken = domainOf(4);
    world.azure.faults.add({
      method: 'PUT',
      path: new RegExp(`/privateDnsZones/${broken}/`, 'i'),
      status: 500,
      times: 1_000,
    });
    world.azure.requests.clear();
    const started = Date.now();

    // Act: the timer fires twice before the workers start, once more when the queue is empty
    const coordinated = await coordinate();
    const tickWhileBusy = await coordinate();
    const invocations = await drain();
    const armRequests = world.azure.requests.entries.length;
    const elapsedMs = Date.now() - started;
    const nextSweep = await coordinate();

    // Assess: 8 endpoint targets and 8 zone items (the zones' registries tell a worker whose they are; Private DNS has
    // no zones-by-network listing to match them up front) in batches of 3; the broken batch came back twice more,
    // after the others had run
    const batches = Math.ceil((2 * ZONES) / 3);
    expect(coordinated).toMatchObject({ outcome: 'sweep-started', items: 2 * ZONES, batches, batchSize: 3 });
    expect(invocations).toBe(batches + (host.extensions.queues.maxDequeueCount - 1));
    // Oldest first: no second sweep while the first had messages queued (Get Queue Metadata); the next one after
    expect(tickWhileBusy).toEqual({
      outcome: 'ignored',
      reason: expect.stringMatching(/previous sweep still has 6 batch/),
    });
    expect(nextSweep).toMatchObject({ outcome: 'sweep-started', items: 2 * ZONES });
    for (let index = 0; index < ZONES; index += 1) {
      const records = zoneSnapshot(world.azure.state, zoneIdOf(index));
      if (domainOf(index) === broken) expect(records['A *']).toBeUndefined();
      else expect(records['A *']).toEqual([`10.40.0.${10 + index}`]);
    }
    const failures = world.reports.flatMap((report) => report.zones).filter((zone) => zone.outcome === 'failed');
    expect(failures.map((zone) => zone.domain)).toEqual(Array(host.extensions.queues.maxDequeueCount).fill(broken));
    expect(failures[0]?.error?.retryable).toBe(true);
    // Drained: what the queue holds now is the next sweep's batches only
    expect(world.queues.messages(SWEEP_QUEUE.name)).toHaveLength(batches);
    const poison = world.queues.messages(SWEEP_QUEUE.poison);
    expect(poison).toHaveLength(1);
    expect(poison[0]).toContain(broken);
    // Budget: the instance's limiter spaced every ARM request (SDK retries included) at 100 requests/s
    expect(elapsedMs).toBeGreaterThanOrEqual(((armRequests - 1) / (ARM_REQUESTS_PER_HOUR / 3600)) * 1000 - 5);
  }, 60_000);

  it('rejects a malformed message without a retry, so it never reaches the poison queue', async () => {
    // Act
    world.queues.writeOutput(SWEEP_QUEUE.name, ['{"not":"a batch"}']);
    const invocations = await drain();

    // Assess
    expect(invocations).toBe(1);
    expect(world.queues.messages(SWEEP_QUEUE.poison)).toEqual([]);
  });

  it('lists no zone page after its share of the time; workers carry the listing on through their output binding', async () => {
    // Prepare: ARM pages of 3, so the 8 zones take 3 pages; every zone listing page moves the handlers' clock past
    // the share of the function timeout (0.5 × 300 s), so each invocation lists exactly one page
    await world.close();
    let clock = Date.parse('2026-11-30T03:45:00Z');
    world = await startFanOut({ pageSize: 3, now: () => new Date(clock) });
    world.azure.faults.add({
      operation: 'privateZones.listByResourceGroup',
      times: 1_000,
      before: () => {
        clock += 200_000;
      },
    });
    world.azure.requests.clear();

    // Act
    const coordinated = await coordinate();
    const listedByCoordinator = world.azure.requests.entries.filter(
      (entry) => entry.operation === 'privateZones.listByResourceGroup',
    ).length;
    await drain();

    // Assess: the coordinator listed one page and queued a continuation (and one for the endpoint listing, paged by 3
    // too and past the share as well); two workers listed a page each; every zone was written, no zone listed twice
    expect(coordinated).toMatchObject({ outcome: 'sweep-started', continuations: 2 });
    expect(listedByCoordinator).toBe(1);
    const listings = world.azure.requests.entries.filter(
      (entry) => entry.operation === 'privateZones.listByResourceGroup',
    );
    expect(listings).toHaveLength(3);
    for (let index = 0; index < ZONES; index += 1) {
      expect(zoneSnapshot(world.azure.state, zoneIdOf(index))['A *']).toEqual([`10.40.0.${10 + index}`]);
    }
    expect(world.queues.messages(SWEEP_QUEUE.name)).toEqual([]);
    expect(world.queues.messages(SWEEP_QUEUE.poison)).toEqual([]);
  }, 60_000);

  it('lists no endpoint page after its share of the time; workers carry the endpoint listing on from its cursor', async () => {
    // Prepare: ARM pages of 3, so the 8 endpoints take 3 pages. Every endpoint listing request of the coordinator or of
    // a worker carrying the listing on moves the handlers' clock past the share of the function timeout
    // (0.5 × 300 s), so each of those invocations lists exactly one page. (The batch workers list the same collection
    // for their scope; their requests leave the clock alone, so they check their zones.)
    await world.close();
    let clock = Date.parse('2026-11-30T03:45:00Z');
    world = await startFanOut({ pageSize: 3, now: () => new Date(clock) });
    const ENDPOINT_LISTING = 'privateEndpoints.listBySubscription';
    let invocation: 'coordinator' | 'endpoint listing continued' | 'other worker' = 'coordinator';
    const listedBy: string[] = [];
    world.azure.faults.add({
      operation: ENDPOINT_LISTING,
      // Bounded, so that a listing that started over in every worker would end, and the counts below show it
      times: 200,
      before: () => {
        listedBy.push(invocation);
        if (invocation !== 'other worker') clock += 200_000;
      },
    });
    const continued: string[] = [];

    // Act
    const coordinated = await coordinate();
    const queuedByCoordinator = world.queues.messages(SWEEP_QUEUE.name).map((body) => JSON.parse(body));
    await drain((message) => {
      const from = (message as { listEndpointsFrom?: string }).listEndpointsFrom;
      invocation = from === undefined ? 'other worker' : 'endpoint listing continued';
      if (from !== undefined) continued.push(from);
    });

    // Assess: the coordinator listed one endpoint page and queued where the listing goes on (ARM's next link after
    // the first 3 endpoints); two workers carried it on, one page each: the second, then the third
    expect(coordinated).toMatchObject({ outcome: 'sweep-started' });
    expect((coordinated as { continuations: number }).continuations).toBeGreaterThanOrEqual(1);
    const fromCoordinator = queuedByCoordinator.find((message) => 'listEndpointsFrom' in message)?.listEndpointsFrom;
    const nextLink = `https://management.azure.com/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/privateEndpoints?api-version=2026-01-01&%24skipToken=`;
    expect(fromCoordinator).toBe(`sub.${nextLink}3`);
    expect(continued).toEqual([`sub.${nextLink}3`, `sub.${nextLink}6`]);
    expect(listedBy.filter((by) => by !== 'other worker')).toEqual([
      'coordinator',
      'endpoint listing continued',
      'endpoint listing continued',
    ]);
    for (let index = 0; index < ZONES; index += 1) {
      expect(zoneSnapshot(world.azure.state, zoneIdOf(index))['A *']).toEqual([`10.40.0.${10 + index}`]);
    }
    expect(world.queues.messages(SWEEP_QUEUE.name)).toEqual([]);
    expect(world.queues.messages(SWEEP_QUEUE.poison)).toEqual([]);
  }, 60_000);

  it('starts no zone after its share of the time and hands the zones it did not start back through its output binding', async () => {
    // Prepare: every record-set listing (a zone read) moves the handlers' clock past the share of the function timeout
    // (0.5 x 300 s), so a worker starts one zone of its batch of 3 and must hand the other two back
    await world.close();
    let clock = Date.parse('2026-11-30T04:00:00Z');
    world = await startFanOut({ now: () => new Date(clock) });
    world.azure.faults.add({
      operation: 'recordSets.list',
      times: 1_000,
      before: () => {
        clock += 200_000;
      },
    });

    // Act
    const coordinated = await coordinate();
    const invocations = await drain();

    // Assess: more invocations than batches (the handed-back zones came back as batches of their own), nothing went to
    // the poison queue, every zone was written once and no report lists a zone as not checked
    const batches = Math.ceil((2 * ZONES) / 3);
    expect(coordinated).toMatchObject({ outcome: 'sweep-started', batches });
    expect(invocations).toBeGreaterThan(batches);
    expect(world.queues.messages(SWEEP_QUEUE.poison)).toEqual([]);
    const zones = world.reports.flatMap((report) => report.zones);
    expect(zones.filter((zone) => zone.outcome === 'not-checked')).toEqual([]);
    expect(
      zones
        .filter((zone) => zone.outcome === 'changed')
        .map((zone) => zone.domain)
        .sort(),
    ).toEqual(Array.from({ length: ZONES }, (_, index) => domainOf(index)).sort());
    for (let index = 0; index < ZONES; index += 1) {
      expect(zoneSnapshot(world.azure.state, zoneIdOf(index))['A *']).toEqual([`10.40.0.${10 + index}`]);
    }
  }, 60_000);

  it('refuses a continuation whose next link is not this listing on an ARM host, without sending the token anywhere', async () => {
    // Prepare: a message that would make the SDK call another host with the function's bearer token
    const stolen = `https://attacker.example/subscriptions/${SUBSCRIPTION}/resourceGroups/${DNS_RG}/providers/Microsoft.Network/privateDnsZones?$skipToken=3`;
    world.queues.writeOutput(SWEEP_QUEUE.name, [JSON.stringify({ linkdnsSweep: 1, listZonesFrom: stolen })]);
    world.azure.requests.clear();

    // Act
    const invocations = await drain();

    // Assess: rejected once (no retry, no poison), and nothing was sent
    expect(invocations).toBe(1);
    expect(world.azure.requests.entries).toEqual([]);
    expect(world.queues.messages(SWEEP_QUEUE.poison)).toEqual([]);
  });
});
