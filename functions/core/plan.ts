import {
  compareRecords,
  indexRecords,
  type RecordKeyed,
  RecordKeyMap,
  type RecordSet,
  type RecordType,
  sameRecord,
} from './model.ts';
import type { ProducibleRecords } from './record-shapes.ts';
import { isRegistryRecord, ownsRecord, type Registry, readRegistry, registryName, registryRecord } from './registry.ts';

export type Policy = 'sync' | 'upsert-only' | 'create-only';
export const POLICIES: readonly Policy[] = ['sync', 'upsert-only', 'create-only'];

export interface RecordUpdate {
  readonly old: RecordSet;
  readonly new: RecordSet;
}

/** What to change in one zone. `update.old` and `delete` hold the exact current records (compare-and-swap). */
export interface Changes {
  readonly create: readonly RecordSet[];
  readonly update: readonly RecordUpdate[];
  readonly delete: readonly RecordSet[];
}

export interface Conflict {
  readonly name: string;
  readonly type: RecordType;
  readonly reason: string;
  readonly found?: readonly RecordSet[];
}

export interface ZonePlan {
  readonly changes: Changes;
  readonly conflicts: readonly Conflict[];
  /** Owned records the policy keeps although no endpoint wants them any more (upsert-only, create-only). */
  readonly kept: readonly RecordSet[];
}

export interface PlanInput {
  readonly domain: string;
  readonly scope: string;
  readonly owner: string;
  readonly desired: readonly RecordSet[];
  /** Every record set in the zone as read, the registry included. */
  readonly current: readonly RecordSet[];
  /** Ids of the endpoints the desired records came from, written to the registry. */
  readonly endpoints: readonly string[];
  readonly policy: Policy;
  /** Take over records at desired names that no linkdns deployment owns. Off by default. */
  readonly adoptExisting?: boolean;
  readonly registryTtl?: number;
  /**
   * The names and types the configured layouts can produce (`producibleRecords`). Registry entries outside it are not
   * treated as owned — never changed or deleted — and are reported as conflicts. Omitted: every entry counts.
   */
  readonly producible?: ProducibleRecords;
}

export const NO_CHANGES: Changes = { create: [], update: [], delete: [] };

export function hasChanges(changes: Changes): boolean {
  return changes.create.length + changes.update.length + changes.delete.length > 0;
}

/**
 * Plans the changes that make a zone hold the desired records, touching only records linkdns owns.
 * Pure: no I/O, no clock. Planning again against the zone the result produced yields no changes.
 *
 * For each desired record, by what the zone holds at its name:
 * ```
 *  zone has at the name              │ owned by us        │ not owned (foreign)
 *  ──────────────────────────────────┼────────────────────┼─────────────────────────────────
 *  nothing                           │ create             │ create
 *  same type, same TTL and values    │ nothing            │ conflict (or adopt: registry only)
 *  same type, different              │ update             │ conflict (or adopt: update)
 *  a CNAME, or other types beside    │ update (replace    │ conflict: a CNAME cannot share its
 *  a wanted CNAME                    │ the type)          │ name with any other record
 * ```
 * Owned records no endpoint wants any more are deleted. Policies then drop what they forbid
 * (upsert-only: deletions; create-only: updates and deletions) and the registry is rewritten to list exactly
 * what linkdns owns afterwards.
 */
export function planZoneChanges(input: PlanInput): ZonePlan {
  const registry = readRegistry(input.current, input.domain);
  const foreignOwner = foreignRegistryOwner(input, registry);
  if (foreignOwner !== undefined) {
    return {
      changes: NO_CHANGES,
      kept: [],
      conflicts: input.desired.map((record) => ({
        name: record.name,
        type: record.type,
        reason: `zone registry ${registryName(input.domain)} belongs to ${foreignOwner}`,
      })),
    };
  }

  const producible = (record: Pick<RecordSet, 'name' | 'type'>) =>
    input.producible?.allows(record, input.domain) ?? true;
  const records = input.current.filter((record) => !isRegistryRecord(record, input.domain));
  // Ownership is decided once per record (one registry look-up each), so the plan stays linear in the zone's size.
  const ownedRecords = new Set(
    records.filter((record) => ownsRecord(registry, input.owner, record) && producible(record)),
  );
  const owned = (record: RecordSet): boolean => ownedRecords.has(record);
  const byName = groupByName(records);
  const create: RecordSet[] = [];
  const update: RecordUpdate[] = [];
  const conflicts: Conflict[] = unproducibleEntries(registry, input.owner, producible);
  const adopted: RecordSet[] = [];
  const wanted = indexRecords(input.desired);

  for (const desired of input.desired) {
    const atName = byName.get(desired.name) ?? [];
    const sameType = atName.find((record) => record.type === desired.type);
    const blocking = atName.filter(
      (record) => record.type !== desired.type && (desired.type === 'CNAME' || record.type === 'CNAME'),
    );
    const foreign = [...blocking, ...(sameType ? [sameType] : [])].filter((record) => !owned(record));

    if (foreign.length > 0 && !(input.adoptExisting && blocking.length === 0)) {
      conflicts.push({ name: desired.name, type: desired.type, reason: conflictReason(foreign), found: foreign });
      continue;
    }
    const ownedBlocking = blocking.find(owned);
    if (ownedBlocking && !wanted.has(ownedBlocking)) {
      update.push({ old: ownedBlocking, new: desired });
    } else if (!sameType) {
      create.push(desired);
    } else if (!sameRecord(sameType, desired)) {
      update.push({ old: sameType, new: desired });
      // Stryker disable next-line ConditionalExpression: equivalent, adopting a record linkdns already owns lists it in the registry again, where it already is
    } else if (!owned(sameType)) {
      adopted.push(sameType);
    }
  }

  const unwanted = records.filter((record) => owned(record) && !wanted.has(record));
  const replaced = indexRecords(update.map((change) => change.old));
  const full: Changes = { create, update, delete: unwanted.filter((record) => !replaced.has(record)) };
  const changes = applyPolicy(full, input.policy);
  const deleted = new Set(changes.delete);
  const updated = new Set(changes.update);
  const kept = full.delete.filter((record) => !deleted.has(record));

  const registryChange = planRegistry(input, ownedRecords, changes, adopted);
  return {
    changes: mergeChanges(changes, registryChange),
    conflicts,
    kept: [...kept, ...full.update.filter((change) => !updated.has(change)).map((change) => change.old)],
  };
}

const POLICY_FILTERS: Record<Policy, (changes: Changes) => Changes> = {
  sync: (changes) => changes,
  'upsert-only': (changes) => ({ ...changes, delete: [] }),
  'create-only': (changes) => ({ ...changes, update: [], delete: [] }),
};

export function applyPolicy(changes: Changes, policy: Policy): Changes {
  return POLICY_FILTERS[policy](changes);
}

/** The registry after the changes: what linkdns owns that still exists, plus what it creates or adopts. */
function planRegistry(
  input: PlanInput,
  ownedBefore: ReadonlySet<RecordSet>,
  changes: Changes,
  adopted: readonly RecordSet[],
): Changes {
  const removed = indexRecords([...changes.delete, ...changes.update.map((change) => change.old)]);
  const ownedAfter = new RecordKeyMap<RecordKeyed>();
  for (const record of ownedBefore) {
    if (!removed.has(record)) ownedAfter.set(record, record);
  }
  for (const record of [...changes.create, ...changes.update.map((change) => change.new), ...adopted]) {
    ownedAfter.set(record, record);
  }

  const current = input.current.find((record) => isRegistryRecord(record, input.domain));
  const next = registryRecord(
    {
      owner: input.owner,
      scope: input.scope,
      endpoints: [...new Set(input.endpoints)].sort(),
      // Stryker disable next-line MethodExpression: equivalent, registryRecord's recordSet sorts the TXT values anyway
      records: [...ownedAfter.values()].sort(compareRecords).map(({ name, type }) => ({ name, type })),
    },
    input.domain,
    input.registryTtl ?? 300,
  );
  if (current && next)
    return sameRecord(current, next) ? NO_CHANGES : { ...NO_CHANGES, update: [{ old: current, new: next }] };
  if (next) return { ...NO_CHANGES, create: [next] };
  if (current) return { ...NO_CHANGES, delete: [current] };
  return NO_CHANGES;
}

/** Entries of this owner's registry that no configured layout can produce: a forged or corrupted registry. */
function unproducibleEntries(
  registry: Registry | undefined,
  owner: string,
  producible: (record: Pick<RecordSet, 'name' | 'type'>) => boolean,
): Conflict[] {
  if (!registry || registry.owner !== owner) return [];
  return registry.records
    .filter((record) => !producible(record))
    .map((record) => ({
      name: record.name,
      type: record.type,
      reason: 'listed in the zone registry, but no configured layout produces it: ignored, never changed or deleted',
    }));
}

function foreignRegistryOwner(input: PlanInput, registry: Registry | undefined): string | undefined {
  const record = input.current.find((candidate) => isRegistryRecord(candidate, input.domain));
  if (!record) return undefined;
  if (!registry) return 'an unknown writer (not a linkdns registry)';
  return registry.owner === input.owner ? undefined : `linkdns owner "${registry.owner}"`;
}

function conflictReason(foreign: readonly RecordSet[]): string {
  const found = foreign.map((record) => `${record.type} ${record.values.join(' ')}`).join('; ');
  return `exists and is not owned by linkdns (${found}); set adoptExisting to take it over`;
}

function groupByName(records: readonly RecordSet[]): Map<string, RecordSet[]> {
  const byName = new Map<string, RecordSet[]>();
  for (const record of records) {
    const atName = byName.get(record.name);
    if (atName) atName.push(record);
    else byName.set(record.name, [record]);
  }
  return byName;
}

function mergeChanges(a: Changes, b: Changes): Changes {
  return { create: [...a.create, ...b.create], update: [...a.update, ...b.update], delete: [...a.delete, ...b.delete] };
}

/** Number of record sets a plan touches, for reports and metrics. */
export function countChanges(changes: Changes): number {
  return changes.create.length + changes.update.length + changes.delete.length;
}
