import { changeBatches, fromRoute53RecordSets, toRoute53RecordSet } from '../functions/aws/route53-records.ts';
import { fromAzureRecordSet, toAzureRecordSet } from '../functions/azure/private-dns-wire.ts';
import { orderWrites } from '../functions/azure/private-dns-zones.ts';
import { type RecordSet, recordSet } from '../functions/core/model.ts';
import { ownershipProblems } from '../functions/core/ownership.ts';
import { type Changes, planZoneChanges } from '../functions/core/plan.ts';
import { readRegistry, registryRecord } from '../functions/core/registry.ts';
import { changeBody, readRecordSets, toCloudDnsRecordSet } from '../functions/gcp/cloud-dns-wire.ts';

/** Milliseconds each step took for one zone of `owned` linkdns records beside `foreign` records of others. */
export interface PlanSpeed {
  readonly owned: number;
  readonly foreign: number;
  readonly plan_ms: number;
  readonly route53_wire_ms: number;
  readonly azure_wire_ms: number;
  readonly cloud_dns_wire_ms: number;
  readonly changes: number;
}

const DOMAIN = 'plan.bench.example';
const OWNER = 'bench';

/**
 * A zone with `owned` records linkdns wrote (listed in its registry) and `foreign` records someone else wrote; the
 * desired state keeps half the owned records, changes a quarter and drops a quarter, and adds `owned / 4` new ones,
 * so every branch of the planner and every kind of change in the wire mappings is exercised.
 */
export function planZone(owned: number, foreign: number): { desired: RecordSet[]; current: RecordSet[] } {
  const ownedRecords = Array.from({ length: owned }, (_, i) => recordSet(`o${i}.${DOMAIN}`, 'A', 60, [ip(i)]));
  const foreignRecords = Array.from({ length: foreign }, (_, i) => recordSet(`f${i}.${DOMAIN}`, 'A', 300, [ip(i)]));
  const registry = registryRecord(
    { owner: OWNER, scope: 'vpc-bench', endpoints: ['vpce-1'], records: ownedRecords },
    DOMAIN,
    300,
  ) as RecordSet;
  const desired = [
    ...ownedRecords.filter((_, i) => i % 4 < 2),
    ...ownedRecords.filter((_, i) => i % 4 === 2).map((record, i) => recordSet(record.name, 'A', 60, [ip(i + 1)])),
    ...Array.from({ length: owned / 4 }, (_, i) => recordSet(`n${i}.${DOMAIN}`, 'A', 60, [ip(i)])),
  ];
  return { desired, current: [...ownedRecords, ...foreignRecords, registry] };
}

/** Times the planner and each adapter's pure wire mapping (read side and write side) on one {@link planZone}. */
export function measurePlanSpeed(owned: number, foreign: number): PlanSpeed {
  const { desired, current } = planZone(owned, foreign);
  const timed = <T>(work: () => T): [T, number] => {
    const started = performance.now();
    const result = work();
    return [result, performance.now() - started];
  };
  const [plan, planMs] = timed(() =>
    planZoneChanges({
      domain: DOMAIN,
      scope: 'vpc-bench',
      owner: OWNER,
      desired,
      current,
      endpoints: ['vpce-1'],
      policy: 'sync',
    }),
  );
  const changes: Changes = plan.changes;
  // The synthetic names (o1, n1, …) are no layout's: the bench times the ownership check, not the layout rule.
  const guard = {
    owner: OWNER,
    registry: readRegistry(current, DOMAIN),
    adoptExisting: false,
    producible: { allows: () => true },
  };
  const zone = { id: 'Z1', domain: DOMAIN };
  const route53Sets = current.map(toRoute53RecordSet);
  const [, route53Ms] = timed(() => {
    fromRoute53RecordSets(route53Sets);
    assertNoProblems(ownershipProblems(zone, changes, guard));
    // The registry of a 10,000-record zone alone exceeds one Route 53 batch (1,000 values, 32,000 characters): a limit
    // of the one-TXT registry, reported as InvalidInputError in real use. The batching is timed with the limits scaled
    // up so that it measures the algorithm over every change rather than stopping at the registry.
    return changeBatches(changes, DOMAIN, { resourceRecords: 1_000 * owned, valueCharacters: 32_000 * owned });
  });
  const azureSets = current.map((record) => toAzureRecordSet(record, OWNER));
  const [, azureMs] = timed(() => {
    for (const set of azureSets) fromAzureRecordSet(set, DOMAIN);
    return orderWrites(DOMAIN, changes);
  });
  const cloudDnsSets = current.map(toCloudDnsRecordSet);
  const [, cloudDnsMs] = timed(() => {
    const read = readRecordSets(cloudDnsSets);
    assertNoProblems(ownershipProblems(zone, changes, guard));
    return changeBody(changes, read.raw);
  });
  return {
    owned,
    foreign,
    plan_ms: round(planMs),
    route53_wire_ms: round(route53Ms),
    azure_wire_ms: round(azureMs),
    cloud_dns_wire_ms: round(cloudDnsMs),
    changes: changes.create.length + changes.update.length + changes.delete.length,
  };
}

/**
 * {@link measurePlanSpeed} as a micro-benchmark: as many warm-up rounds as measured ones (on this machine the first
 * four or five rounds run two to four times slower while the JIT compiles the planner and the heap grows to the
 * zone's size), then the median of `rounds` rounds per figure, so one garbage collection or a busy neighbour does
 * not decide the figure.
 */
export function planSpeedFigures(owned: number, foreign: number, rounds = 5): PlanSpeed {
  for (let round = 0; round < rounds; round += 1) measurePlanSpeed(owned, foreign);
  const measured = Array.from({ length: rounds }, () => measurePlanSpeed(owned, foreign));
  const median = (pick: (speed: PlanSpeed) => number) =>
    measured.map(pick).sort((a, b) => a - b)[Math.floor(rounds / 2)] as number;
  return {
    owned,
    foreign,
    plan_ms: median((speed) => speed.plan_ms),
    route53_wire_ms: median((speed) => speed.route53_wire_ms),
    azure_wire_ms: median((speed) => speed.azure_wire_ms),
    cloud_dns_wire_ms: median((speed) => speed.cloud_dns_wire_ms),
    changes: measured[0]?.changes ?? 0,
  };
}

function assertNoProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(`ownership check refused the planned changes: ${problems[0]}`);
}

function ip(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
