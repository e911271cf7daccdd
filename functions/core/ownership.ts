import { canonicalName, isWithinDomain, type RecordSet } from './model.ts';
import type { Changes } from './plan.ts';
import type { OwnershipGuard, ZoneRef } from './ports.ts';
import { isRegistryRecord, ownsRecord, parseRegistry, type Registry } from './registry.ts';

/**
 * The adapters' own ownership check (the second line of defence), independent of the planner's: every adapter that
 * sends whole change batches (Route 53, Cloud DNS) runs it before writing and refuses the batch on any problem. The one
 * provider-specific test — "is this a record set linkdns never writes (alias, routing policy)?" — is passed in.
 *
 * Returns one line per refused change:
 * - every change stays inside the zone and off its apex SOA and NS records; provider-only record sets are never touched;
 * - a record removed or replaced (`delete`, `update.old`) must be listed as owned by `guard.owner` in the registry the
 *   changes were planned from — except an update that adopts a foreign record of the same name and type, which
 *   `adoptExisting` allows;
 * - the registry itself may only be replaced or removed when it is this owner's;
 * - every record written must be listed as owned in the registry as it will be after the changes.
 *
 * Additions need no check against current records: Route 53 and Cloud DNS refuse to add a record set that exists
 * (`InvalidChangeBatch`, 409 `alreadyExists`), so an addition cannot overwrite what someone else holds.
 */
export function ownershipProblems(
  zone: ZoneRef,
  changes: Changes,
  guard: OwnershipGuard,
  isProviderOnly: (record: RecordSet) => boolean = () => false,
): string[] {
  const problems: string[] = [];
  const isRegistry = (record: RecordSet) => isRegistryRecord(record, zone.domain);
  const describe = (record: RecordSet) => `${record.name} ${record.type}`;
  const touched = [
    ...changes.create,
    ...changes.update.flatMap((change) => [change.old, change.new]),
    ...changes.delete,
  ];
  const apex = canonicalName(zone.domain);
  for (const record of touched) {
    if (!isWithinDomain(record.name, apex)) problems.push(`${describe(record)} is outside zone ${zone.domain}`);
    else if (record.name === apex && (record.type === 'SOA' || record.type === 'NS')) {
      problems.push(`${describe(record)} is the zone's own ${record.type} record`);
    } else if (isProviderOnly(record)) {
      problems.push(`${describe(record)} is an alias or routing-policy record set, which linkdns never changes`);
    }
  }
  problems.push(...unproducibleChanges(zone, changes, guard));

  const registryOurs = guard.registry?.owner === guard.owner;
  const removed = [
    ...changes.update.map((change) => ({
      record: change.old,
      adopts: guard.adoptExisting && change.old.name === change.new.name && change.old.type === change.new.type,
    })),
    ...changes.delete.map((record) => ({ record, adopts: false })),
  ];
  for (const { record, adopts } of removed) {
    if (isRegistry(record)) {
      if (!registryOurs) problems.push(`${describe(record)}: the registry is not owned by ${guard.owner}`);
    } else if (!adopts && !ownsRecord(guard.registry, guard.owner, record)) {
      problems.push(`${describe(record)} is not listed as owned by ${guard.owner} in the zone registry`);
    }
  }

  const registryAfter = registryAfterChanges(zone, changes, guard.registry);
  for (const record of [...changes.create, ...changes.update.map((change) => change.new)]) {
    if (isRegistry(record)) continue;
    if (!ownsRecord(registryAfter, guard.owner, record)) {
      problems.push(`${describe(record)} would be written but not listed as owned by ${guard.owner} in the registry`);
    }
  }
  return [...new Set(problems)];
}

/**
 * One line per change to a name or type the configured layouts cannot produce in the zone (`producibleRecords`):
 * whatever a registry lists, linkdns never creates, changes or deletes anything else. Every adapter runs this.
 */
export function unproducibleChanges(zone: ZoneRef, changes: Changes, guard: OwnershipGuard): string[] {
  const touched = [
    ...changes.create,
    ...changes.update.flatMap((change) => [change.old, change.new]),
    ...changes.delete,
  ];
  return [
    ...new Set(
      touched
        .filter((record) => !guard.producible.allows(record, zone.domain))
        .map(
          (record) => `${record.name} ${record.type} is not a record the configured layouts produce in ${zone.domain}`,
        ),
    ),
  ];
}

function registryAfterChanges(zone: ZoneRef, changes: Changes, before: Registry | undefined): Registry | undefined {
  const isRegistry = (record: RecordSet) => isRegistryRecord(record, zone.domain);
  const written = [...changes.create, ...changes.update.map((change) => change.new)].find(isRegistry);
  if (written) return parseRegistry(written, zone.domain);
  return changes.delete.some(isRegistry) ? undefined : before;
}
