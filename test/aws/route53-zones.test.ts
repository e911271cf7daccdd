import {
  CreateHostedZoneCommand,
  GetHostedZoneCommand,
  ListTagsForResourceCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CREATED_BY_TAG, Route53Zones, type Route53ZonesOptions } from '../../functions/aws/route53-zones.ts';
import { ConcurrentChangeError, OwnershipError, TransientCloudError } from '../../functions/core/errors.ts';
import { type RecordSet, recordSet } from '../../functions/core/model.ts';
import { type Changes, NO_CHANGES, planZoneChanges } from '../../functions/core/plan.ts';
import type { OwnershipGuard, ZoneRef } from '../../functions/core/ports.ts';
import { type Registry, readRegistry, registryName } from '../../functions/core/registry.ts';
import { RequestLimiter } from '../../functions/request-limiter.ts';
import { abortOnFirstRetry } from '../support/abort-on-retry.ts';
import { BUILT_IN_PRODUCIBLE } from '../support/producible.ts';
import { type LocalRoute53, startLocalRoute53 } from './route53-local.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const VPC = 'vpc-0a1';
const OWNER = 'platform';

let local: LocalRoute53;
beforeEach(async () => {
  local = await startLocalRoute53();
});
afterEach(async () => {
  await local.close();
});

function adapter(options: Partial<Route53ZonesOptions> = {}): Route53Zones {
  return new Route53Zones(local.client, {
    region: 'us-east-2',
    owner: OWNER,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 6 },
    ...options,
  });
}

function privateZone(vpc = VPC): ZoneRef {
  return { id: local.state.createZone({ name: DOMAIN, vpcs: [{ id: vpc, region: 'us-east-2' }] }).id, domain: DOMAIN };
}

function wildcard(relative: string, target: string): RecordSet {
  return recordSet(`${relative}.${DOMAIN}`, 'CNAME', 60, [target]);
}

const DESIRED = [
  wildcard('*', 'vpce-1-x.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'),
  wildcard('*.use2-az1', 'vpce-1-x-us-east-2a.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'),
  wildcard('*.use2-az2', 'vpce-1-x-us-east-2b.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'),
  wildcard('*.use2-az3', 'vpce-1-x-us-east-2c.vpce-svc-0abc.us-east-2.vpce.amazonaws.com'),
];

/** Reads the zone, plans towards `desired` as the core does, and returns what applyChanges needs. */
async function plan(dns: Route53Zones, zone: ZoneRef, desired: readonly RecordSet[]) {
  const current = await dns.readRecords(zone);
  const { changes } = planZoneChanges({
    domain: DOMAIN,
    scope: VPC,
    owner: OWNER,
    desired,
    current,
    endpoints: desired.length > 0 ? ['vpce-1'] : [],
    policy: 'sync',
  });
  const guard: OwnershipGuard = {
    owner: OWNER,
    registry: readRegistry(current, DOMAIN),
    adoptExisting: false,
    producible: BUILT_IN_PRODUCIBLE,
  };
  return { changes, guard, current };
}

/** Record sets of the zone as the adapter reads them, SOA and NS left out. */
async function ownRecords(dns: Route53Zones, zone: ZoneRef): Promise<RecordSet[]> {
  return (await dns.readRecords(zone)).filter((record) => record.type !== 'SOA' && record.type !== 'NS');
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('Route53Zones.findZone', () => {
  it('finds the private zone associated with the VPC, by id, never the same-named public zone', async () => {
    // Prepare
    local.state.createZone({ name: DOMAIN });
    local.state.createZone({ name: DOMAIN, vpcs: [{ id: 'vpc-0other', region: 'us-east-2' }] });
    const wanted = privateZone();

    // Act
    const found = await adapter().findZone(`${DOMAIN.toUpperCase()}.`, VPC, { create: false });

    // Assess
    expect(found).toEqual(wanted);
    expect(local.aws.requests.byOperation()).toEqual({ ListHostedZonesByVPC: 1 });
  });

  it('returns nothing, and writes nothing, when no private zone exists and creation is not opted in', async () => {
    // Prepare
    local.state.createZone({ name: DOMAIN });

    // Act
    const found = await adapter().findZone(DOMAIN, VPC, { create: false });

    // Assess
    expect(found).toBeUndefined();
    expect(local.aws.requests.writes()).toEqual([]);
  });

  it('creates a missing zone when opted in: private, tagged as linkdns, associated with the extra VPCs', async () => {
    // Prepare
    const dns = adapter({ extraVpcs: ['vpc-0hub', 'eu-west-1:vpc-0peer', VPC] });

    // Act
    const created = await dns.findZone(DOMAIN, VPC, { create: true, extraNetworks: true });
    const again = await dns.findZone(DOMAIN, VPC, { create: true, extraNetworks: true });
    const calls = local.aws.requests.byOperation();

    // Assess
    expect(created).toBeDefined();
    expect(again).toEqual(created);
    const details = await local.client.send(new GetHostedZoneCommand({ Id: created?.id }));
    expect(details.HostedZone?.Config?.PrivateZone).toBe(true);
    expect(details.VPCs).toEqual([
      { VPCId: VPC, VPCRegion: 'us-east-2' },
      { VPCId: 'vpc-0hub', VPCRegion: 'us-east-2' },
      { VPCId: 'vpc-0peer', VPCRegion: 'eu-west-1' },
    ]);
    const tags = await local.client.send(
      new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: created?.id }),
    );
    expect(tags.ResourceTagSet?.Tags).toEqual([{ Key: CREATED_BY_TAG, Value: OWNER }]);
    expect(calls).toEqual({
      ListHostedZonesByVPC: 2,
      CreateHostedZone: 1,
      ChangeTagsForResource: 1,
      AssociateVPCWithHostedZone: 2,
    });
  });

  it('uses the zone another run created between its lookup and its create', async () => {
    // Prepare: the other run's zone appears just before our CreateHostedZone reaches Route 53.
    let raced: ZoneRef | undefined;
    const racingClient = {
      send: (command: unknown, options?: unknown) => {
        if (command instanceof CreateHostedZoneCommand) raced = privateZone();
        return (local.client.send as (command: unknown, options?: unknown) => Promise<unknown>)(command, options);
      },
    } as Pick<Route53Client, 'send'>;
    const dns = new Route53Zones(racingClient, { region: 'us-east-2', owner: OWNER });

    // Act
    const found = await dns.findZone(DOMAIN, VPC, { create: true });

    // Assess
    expect(found).toEqual(raced);
    expect(local.state.zonesNamed(DOMAIN)).toHaveLength(1);
    expect(local.aws.requests.entries.map((entry) => `${entry.operation} ${entry.status}`)).toEqual([
      'ListHostedZonesByVPC 200',
      'CreateHostedZone 400',
      'ListHostedZonesByVPC 200',
    ]);
  });
});

describe('Route53Zones zone look-up cache (warm instances)', () => {
  it('reuses a VPC listing within the TTL, lists again after it, and forgets it on a concurrent change', async () => {
    // Prepare
    let now = 0;
    const dns = adapter({ zoneLookupTtlMs: 60_000, nowMs: () => now });
    const zone = privateZone();
    const lookups = () => local.aws.requests.count('ListHostedZonesByVPC');

    // Act + Assess: two events within the TTL share one listing; one after it lists again.
    expect(await dns.findZone(DOMAIN, VPC, { create: false })).toEqual(zone);
    now += 30_000;
    expect(await dns.findZone(DOMAIN, VPC, { create: false })).toEqual(zone);
    expect(lookups()).toBe(1);
    now += 30_000;
    await dns.findZone(DOMAIN, VPC, { create: false });
    expect(lookups()).toBe(2);

    // A change batch that meets another writer drops the cache: the retry looks the zone up afresh.
    const first = await plan(dns, zone, DESIRED);
    await dns.applyChanges(zone, first.changes, first.guard);
    const update = await plan(dns, zone, [...DESIRED.slice(0, 3), wildcard('*.use2-az3', 'new.example.com')]);
    local.state.putRecordSet(zone.id, { name: `*.use2-az3.${DOMAIN}`, type: 'CNAME', ttl: 60, values: ['x.example'] });
    await expect(dns.applyChanges(zone, update.changes, update.guard)).rejects.toBeInstanceOf(ConcurrentChangeError);
    await dns.findZone(DOMAIN, VPC, { create: false });
    expect(lookups()).toBe(3);
  });
});

describe('Route53Zones.listZones and readRecords', () => {
  it('lists private zones named or under the managed domains, across pages, and no public zone', async () => {
    // Prepare
    for (let index = 0; index < 120; index += 1) {
      local.state.createZone({ name: `z${index}.${DOMAIN}`, vpcs: [{ id: `vpc-${index}`, region: 'us-east-2' }] });
    }
    const apex = privateZone();
    local.state.createZone({ name: DOMAIN });
    local.state.createZone({ name: 'other.example.com', vpcs: [{ id: VPC, region: 'us-east-2' }] });

    // Act
    const zones = await adapter().listZones([DOMAIN]);

    // Assess
    expect(zones).toHaveLength(121);
    expect(zones).toContainEqual(apex);
    expect(zones.every((zone) => zone.domain.endsWith(DOMAIN))).toBe(true);
    expect(local.aws.requests.count('ListHostedZones')).toBe(2);
  });

  it('reads every record set across pages with canonical names (\\052 → *)', async () => {
    // Prepare
    const zone = privateZone();
    for (let index = 0; index < 350; index += 1) {
      local.state.putRecordSet(zone.id, {
        name: `*.h${index}.${DOMAIN}`,
        type: 'CNAME',
        ttl: 60,
        values: ['t.example.net.'],
      });
    }

    // Act
    const records = await ownRecords(adapter(), zone);

    // Assess
    expect(records).toHaveLength(350);
    expect(records).toContainEqual(recordSet(`*.h7.${DOMAIN}`, 'CNAME', 60, ['t.example.net']));
    expect(local.aws.requests.count('ListResourceRecordSets')).toBe(2);
  });
});

describe('Route53Zones.applyChanges', () => {
  it('creates, updates and deletes records with the registry, one batch each time', async () => {
    // Prepare
    const dns = adapter();
    const zone = privateZone();
    const moved = [...DESIRED.slice(0, 3), wildcard('*.use2-az3', 'vpce-1-x-us-east-2c-new.example.com')];

    // Act
    const created = await plan(dns, zone, DESIRED);
    await dns.applyChanges(zone, created.changes, created.guard);
    const afterCreate = await ownRecords(dns, zone);
    const updated = await plan(dns, zone, moved);
    await dns.applyChanges(zone, updated.changes, updated.guard);
    const afterUpdate = await ownRecords(dns, zone);
    const removed = await plan(dns, zone, []);
    await dns.applyChanges(zone, removed.changes, removed.guard);

    // Assess
    expect(afterCreate.filter((record) => record.type === 'CNAME')).toEqual(expect.arrayContaining(DESIRED));
    expect(readRegistry(afterCreate, DOMAIN)?.records).toHaveLength(4);
    expect(updated.changes.update.map((change) => change.new.name)).toContain(`*.use2-az3.${DOMAIN}`);
    expect(afterUpdate).toContainEqual(moved[3]);
    expect(await ownRecords(dns, zone)).toEqual([]);
    expect(local.aws.requests.count('ChangeResourceRecordSets')).toBe(3);
    expect(local.aws.requests.writes().map((write) => write.operation)).toEqual([
      'ChangeResourceRecordSets',
      'ChangeResourceRecordSets',
      'ChangeResourceRecordSets',
    ]);
  });

  it('raises ConcurrentChangeError when another writer changed a record between read and write', async () => {
    // Prepare
    const dns = adapter();
    const zone = privateZone();
    const first = await plan(dns, zone, DESIRED);
    await dns.applyChanges(zone, first.changes, first.guard);
    const update = await plan(dns, zone, [...DESIRED.slice(0, 3), wildcard('*.use2-az3', 'new.example.com')]);
    local.state.putRecordSet(zone.id, {
      name: `*.use2-az3.${DOMAIN}`,
      type: 'CNAME',
      ttl: 60,
      values: ['hand.example.com'],
    });
    const before = local.state.recordSets(zone.id);

    // Act
    const error = await failure(dns.applyChanges(zone, update.changes, update.guard));

    // Assess
    expect(error).toBeInstanceOf(ConcurrentChangeError);
    expect(error.message).toContain('do not match the current values');
    expect((error as ConcurrentChangeError).retryable).toBe(true);
    expect(local.state.recordSets(zone.id)).toEqual(before);
  });

  it('raises ConcurrentChangeError when another writer created a record linkdns is about to create', async () => {
    // Prepare
    const dns = adapter();
    const zone = privateZone();
    const { changes, guard } = await plan(dns, zone, DESIRED);
    local.state.putRecordSet(zone.id, { name: `*.${DOMAIN}`, type: 'CNAME', ttl: 60, values: ['racer.example.com'] });

    // Act
    const error = await failure(dns.applyChanges(zone, changes, guard));

    // Assess
    expect(error).toBeInstanceOf(ConcurrentChangeError);
    expect(error.message).toContain('but it already exists');
    expect(local.state.recordSet(zone.id, registryName(DOMAIN), 'TXT')).toBeUndefined();
  });

  it('retries Throttling and PriorRequestNotComplete with backoff and loses nothing', async () => {
    // Prepare
    const dns = adapter();
    const zone = privateZone();
    local.aws.faults.add({
      operation: 'ListResourceRecordSets',
      code: 'Throttling',
      message: 'Rate exceeded',
      times: 2,
    });
    local.aws.faults.add({ operation: 'ChangeResourceRecordSets', code: 'PriorRequestNotComplete', times: 1 });
    local.aws.faults.add({ operation: 'ChangeResourceRecordSets', code: 'Throttling', times: 2 });

    // Act
    const { changes, guard } = await plan(dns, zone, DESIRED);
    await dns.applyChanges(zone, changes, guard);

    // Assess
    const records = await ownRecords(dns, zone);
    expect(records.filter((record) => record.type === 'CNAME')).toEqual(expect.arrayContaining(DESIRED));
    expect(local.aws.requests.entries.map((entry) => `${entry.operation} ${entry.status}`)).toEqual([
      'ListResourceRecordSets 400',
      'ListResourceRecordSets 400',
      'ListResourceRecordSets 200',
      'ChangeResourceRecordSets 400',
      'ChangeResourceRecordSets 400',
      'ChangeResourceRecordSets 400',
      'ChangeResourceRecordSets 200',
      'ListResourceRecordSets 200',
    ]);
  });

  it('gives up after the configured attempts with a retryable TransientCloudError', async () => {
    // Prepare
    const dns = adapter({ retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 } });
    const zone = privateZone();
    local.aws.faults.add({ operation: 'ListResourceRecordSets', code: 'Throttling' });

    // Act
    const error = await failure(dns.readRecords(zone));

    // Assess
    expect(error).toBeInstanceOf(TransientCloudError);
    expect((error as TransientCloudError).retryable).toBe(true);
    expect(local.aws.requests.count('ListResourceRecordSets')).toBe(3);
  });

  it('cancels a backoff wait when the signal aborts', async () => {
    // Prepare
    // The handler's deadline passes once the throttled answer is in and the 60 s backoff has begun: the adapter logs
    // the retry just before it waits, so the abort lands in the wait itself, not in the request (a timer racing the
    // request aborted the HTTP call instead on a loaded machine: 'Request aborted').
    const controller = new AbortController();
    const { log, retries } = abortOnFirstRetry(controller, new Error('handler timed out'));
    const dns = adapter({ retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 5 }, random: () => 1, log });
    const zone = privateZone();
    local.aws.faults.add({ operation: 'ListResourceRecordSets', code: 'Throttling' });
    const started = performance.now();

    // Act
    const error = await failure(dns.readRecords(zone, controller.signal));

    // Assess
    expect(error.message).toBe('handler timed out');
    expect(retries).toMatchObject([{ attempt: 1, delayMs: 60_000, error: 'Throttling' }]);
    // Just below the 60 s backoff it proves was cut short.
    expect(performance.now() - started).toBeLessThan(55_000);
    expect(local.aws.requests.count('ListResourceRecordSets')).toBe(1);
  });

  it('splits more than 1,000 ResourceRecord elements into several batches and applies them all', async () => {
    // Prepare: 30 A record sets of 40 addresses are 1,200 ResourceRecord elements.
    const dns = adapter();
    const zone = privateZone();
    const desired = Array.from({ length: 30 }, (_, set) =>
      recordSet(
        `*.use2-az${set + 1}.${DOMAIN}`,
        'A',
        60,
        Array.from({ length: 40 }, (_, value) => `10.${set}.0.${value}`),
      ),
    );

    // Act
    const { changes, guard } = await plan(dns, zone, desired);
    await dns.applyChanges(zone, changes, guard);

    // Assess
    const records = await ownRecords(dns, zone);
    expect(records.filter((record) => record.type === 'A')).toEqual(expect.arrayContaining(desired));
    expect(readRegistry(records, DOMAIN)?.records).toHaveLength(30);
    expect(local.aws.requests.count('ChangeResourceRecordSets')).toBe(2);
  });

  it('refuses changes to records the registry does not list as owned, and sends nothing', async () => {
    // Prepare
    const dns = adapter();
    const zone = privateZone();
    const foreign = wildcard('*.foreign', 'theirs.example.com');
    local.state.putRecordSet(zone.id, { name: foreign.name, type: 'CNAME', ttl: 60, values: foreign.values });
    const guard: OwnershipGuard = {
      owner: OWNER,
      registry: undefined,
      adoptExisting: false,
      producible: BUILT_IN_PRODUCIBLE,
    };
    const cases: Changes[] = [
      { ...NO_CHANGES, delete: [foreign] },
      { ...NO_CHANGES, update: [{ old: foreign, new: wildcard('*.foreign', 'ours.example.com') }] },
      { ...NO_CHANGES, create: [wildcard('*', 'unlisted.example.com')] },
      { ...NO_CHANGES, create: [recordSet('www.elsewhere.com', 'CNAME', 60, ['x.example.com'])] },
    ];

    // Act
    const errors = await Promise.all(cases.map((changes) => failure(dns.applyChanges(zone, changes, guard))));

    // Assess
    for (const error of errors) expect(error).toBeInstanceOf(OwnershipError);
    expect(errors[0]?.message).toContain(`*.foreign.${DOMAIN} CNAME is not listed as owned by ${OWNER}`);
    expect(errors[3]?.message).toContain('outside zone');
    expect(local.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
  });

  it('refuses to touch records listed in the registry of another owner, or alias records, and sends nothing', async () => {
    // Prepare
    const dns = adapter();
    const zone = privateZone();
    const first = await plan(dns, zone, DESIRED);
    await dns.applyChanges(zone, first.changes, first.guard);
    local.state.putRecordSet(zone.id, {
      name: `alias.${DOMAIN}`,
      type: 'A',
      aliasTarget: { hostedZoneId: 'Z35SXDOTRQ7X7K', dnsName: 'lb.example.net', evaluateTargetHealth: false },
    });
    const current = await dns.readRecords(zone);
    const alias = current.find((record) => record.name === `alias.${DOMAIN}`) as RecordSet;
    const registry = readRegistry(current, DOMAIN) as Registry;
    local.aws.requests.reset();

    // Act
    const theirs = await failure(
      dns.applyChanges(
        zone,
        { ...NO_CHANGES, delete: DESIRED.slice(0, 1) },
        {
          owner: OWNER,
          registry: { ...registry, owner: 'someone-else' },
          adoptExisting: false,
          producible: BUILT_IN_PRODUCIBLE,
        },
      ),
    );
    const aliasChange = await failure(
      dns.applyChanges(
        zone,
        { ...NO_CHANGES, delete: [alias] },
        {
          owner: OWNER,
          registry: { ...registry, records: [...registry.records, { name: alias.name, type: 'A' }] },
          adoptExisting: false,
          producible: BUILT_IN_PRODUCIBLE,
        },
      ),
    );

    // Assess
    expect(theirs).toBeInstanceOf(OwnershipError);
    expect(aliasChange).toBeInstanceOf(OwnershipError);
    expect(aliasChange.message).toContain('alias or routing-policy');
    expect(local.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
  });

  it('waits for INSYNC when asked to, polling GetChange', async () => {
    // Prepare
    const dns = adapter({ waitForInsync: true, insyncPollIntervalMs: 1 });
    const zone = privateZone();
    local.state.sync = { pendingPolls: 2 };

    // Act
    const { changes, guard } = await plan(dns, zone, DESIRED);
    await dns.applyChanges(zone, changes, guard);

    // Assess
    expect(local.aws.requests.count('GetChange')).toBe(3);
  });
});

describe('RequestLimiter', () => {
  it('spaces calls to the configured rate after the burst, and a shared limiter spans callers', async () => {
    // Prepare
    const limiter = new RequestLimiter({ requestsPerSecond: 50, burst: 2 });
    const started = performance.now();

    // Act: 2 at once, then 10 more at 20 ms intervals.
    await Promise.all(Array.from({ length: 12 }, () => limiter.acquire()));

    // Assess
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('throttles the adapter: 11 calls at 50 per second with a burst of 1 take at least 200 ms', async () => {
    // Prepare
    const dns = adapter({ requestsPerSecond: 50, burst: 1 });
    const zone = privateZone();
    const started = performance.now();

    // Act
    for (let call = 0; call < 11; call += 1) await dns.readRecords(zone);

    // Assess
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(local.aws.requests.count('ListResourceRecordSets')).toBe(11);
  });

  it('stops waiting when the signal aborts and gives the token back', async () => {
    // Prepare
    const limiter = new RequestLimiter({ requestsPerSecond: 1, burst: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 20);

    // Act
    const error = await failure(limiter.acquire(controller.signal));

    // Assess
    expect(error.message).toBe('cancelled');
  });
});
