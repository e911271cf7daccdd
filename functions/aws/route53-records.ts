import type { Change, ResourceRecordSet, RRType } from '@aws-sdk/client-route-53';
import { InvalidInputError } from '../core/errors.ts';
import {
  canonicalName,
  compareRecords,
  RecordKeyMap,
  type RecordSet,
  type RecordType,
  recordSet,
  sameRecord,
} from '../core/model.ts';
import type { Changes } from '../core/plan.ts';
import { isRegistryRecord, registryUnion } from '../core/registry.ts';
import { isOnePlainQuotedString, quoteTxtStrings } from '../txt-strings.ts';

/**
 * Route 53's wire format ↔ the core's record sets, and change batches. Pure: no I/O.
 *
 * Reading: names come back escaped and fully qualified (`\052.example.com.`), TXT values quoted and split into
 * strings of at most 255 characters; the core wants `*.example.com` and the plain text. Alias and routing-policy
 * record sets (weighted, latency, failover, …) have no place in the core's model: they are read as placeholders whose
 * values start with `route53:`, so the planner sees a foreign record at that name and reports a conflict, and the
 * adapter refuses to change them.
 *
 * Writing: an update is a DELETE of the exact record read plus a CREATE of the new one, in the same batch, so the
 * batch is a compare-and-swap (PRODUCT.md §5). UPSERT is never used: it would overwrite whatever is there, and it
 * counts twice against the batch limits.
 */

const ROUTE53_ONLY_PREFIX = 'route53:';

/** Unescapes a Route 53 name (`\052.Example.com.` → `*.example.com`): octal `\ddd` and `\x` escapes, lowercase. */
export function decodeRoute53Name(name: string): string {
  // Most names hold no escape but the wildcard's: skip the octet-by-octet walk for them (zones of 10,000 records).
  if (!name.includes('\\')) return canonicalName(name);
  if (name.startsWith('\\052.') && !name.includes('\\', 1)) return canonicalName(`*${name.slice(4)}`);
  const bytes: number[] = [];
  for (let index = 0; index < name.length; index += 1) {
    const char = name[index] as string;
    if (char === '\\' && /^[0-7]{3}$/.test(name.slice(index + 1, index + 4))) {
      bytes.push(Number.parseInt(name.slice(index + 1, index + 4), 8));
      index += 3;
    } else if (char === '\\' && index + 1 < name.length) {
      // Stryker disable next-line StringLiteral: equivalent, Buffer.from reads an empty encoding name as 'utf8'
      bytes.push(...Buffer.from(name[index + 1] as string, 'utf8'));
      index += 1;
    } else {
      // Stryker disable next-line StringLiteral: equivalent, Buffer.from reads an empty encoding name as 'utf8'
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return canonicalName(Buffer.from(bytes).toString('utf8'));
}

/**
 * A TXT value as Route 53 wants it: quoted, `"` and `\` escaped, other non-printable octets as `\` + octal code, and
 * split into strings of at most 255 octets (`"…255…" "…rest…"`).
 */
export function encodeTxtValue(text: string): string {
  return quoteTxtStrings(text, 8);
}

const PLAIN_QUOTED_STRINGS = /^ *"[^"]*"(?: *"[^"]*")* *$/;

/** The text of a TXT value: its quoted strings unescaped and joined. A value that is not quoted is returned as is. */
export function decodeTxtValue(value: string): string {
  // Stryker disable next-line ConditionalExpression: equivalent, a fast path: the walk below reads one plain string alike
  if (isOnePlainQuotedString(value)) return value.slice(1, -1);
  // Plain quoted strings (no escapes), the usual case: join their contents without walking octet by octet.
  if (!value.includes('\\') && PLAIN_QUOTED_STRINGS.test(value)) return value.replace(/^ *"|" *"|" *$/g, '');
  const bytes: number[] = [];
  let index = 0;
  // Stryker disable next-line StringLiteral: equivalent, Buffer.from reads an empty encoding name as 'utf8'
  const push = (text: string) => bytes.push(...Buffer.from(text, 'utf8'));
  while (index < value.length) {
    if (value[index] === ' ') {
      index += 1;
      continue;
    }
    if (value[index] !== '"') return value;
    index += 1;
    while (index < value.length && value[index] !== '"') {
      if (value[index] === '\\' && /^[0-7]{3}$/.test(value.slice(index + 1, index + 4))) {
        bytes.push(Number.parseInt(value.slice(index + 1, index + 4), 8));
        index += 4;
      } else if (value[index] === '\\' && index + 1 < value.length) {
        push(value[index + 1] as string);
        index += 2;
      } else {
        push(value[index] as string);
        index += 1;
      }
    }
    if (value[index] !== '"') return value;
    index += 1;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** True for the placeholders that stand for alias and routing-policy record sets, which linkdns never changes. */
export function isRoute53OnlyRecord(record: RecordSet): boolean {
  return record.values.some((value) => value.startsWith(ROUTE53_ONLY_PREFIX));
}

/**
 * Turns a zone's record sets as listed into the core's record sets, one per name and type. Sets of a routing policy
 * that share a name and type are merged into one placeholder.
 */
export function fromRoute53RecordSets(sets: readonly ResourceRecordSet[]): RecordSet[] {
  const byKey = new RecordKeyMap<RecordSet>();
  for (const set of sets) {
    const record = fromRoute53RecordSet(set);
    const earlier = byKey.get(record);
    byKey.set(
      record,
      earlier
        ? recordSet(record.name, record.type, Math.min(earlier.ttl, record.ttl), [...earlier.values, ...record.values])
        : record,
    );
  }
  return [...byKey.values()].sort(compareRecords);
}

function fromRoute53RecordSet(set: ResourceRecordSet): RecordSet {
  if (!set.Name || !set.Type) throw new InvalidInputError('Route 53 returned a record set without Name or Type');
  const name = decodeRoute53Name(set.Name);
  // Types outside the core's list (DS, HTTPS, SVCB, …) still flow through, so the planner sees them as foreign.
  const type = set.Type as RecordType;
  const routed = set.SetIdentifier !== undefined || set.TrafficPolicyInstanceId !== undefined;
  const prefix = `${ROUTE53_ONLY_PREFIX}${set.SetIdentifier === undefined ? '' : `set=${set.SetIdentifier} `}`;
  if (set.AliasTarget) {
    const target = `${canonicalName(decodeRoute53Name(set.AliasTarget.DNSName ?? ''))} zone=${set.AliasTarget.HostedZoneId ?? ''}`;
    return recordSet(name, type, set.TTL ?? 0, [`${prefix}alias ${target}`]);
  }
  const values = (set.ResourceRecords ?? []).map((record) => decodeValue(type, record.Value ?? ''));
  return recordSet(name, type, set.TTL ?? 0, routed ? values.map((value) => `${prefix}${value}`) : values);
}

function decodeValue(type: RecordType, value: string): string {
  return type === 'TXT' || (type as string) === 'SPF' ? decodeTxtValue(value) : value;
}

/** The record set to send for a core record set. */
export function toRoute53RecordSet(record: RecordSet): ResourceRecordSet {
  if (isRoute53OnlyRecord(record)) {
    throw new InvalidInputError(`${record.name} ${record.type} is an alias or routing-policy record set: not writable`);
  }
  return {
    Name: record.name,
    Type: record.type as RRType,
    TTL: record.ttl,
    ResourceRecords: record.values.map((value) => ({ Value: record.type === 'TXT' ? encodeTxtValue(value) : value })),
  };
}

/** Route 53's limits per `ChangeResourceRecordSets` request (UPSERT would count twice; linkdns never sends it). */
export interface BatchLimits {
  readonly resourceRecords: number;
  readonly valueCharacters: number;
}

export const ROUTE53_BATCH_LIMITS: BatchLimits = { resourceRecords: 1_000, valueCharacters: 32_000 };

interface ChangeGroup {
  readonly changes: Change[];
  readonly records: number;
  readonly characters: number;
}

/**
 * Splits planned changes into `ChangeResourceRecordSets` batches within the limits.
 *
 * - Every change to one name (an update's DELETE and CREATE, a CNAME replacing an A) stays in one batch, DELETEs
 *   before CREATEs: Route 53 applies a batch in order, so no batch ever holds a CNAME beside another type, and each
 *   update stays a compare-and-swap.
 * - One batch is atomic; several are not. When the changes need more than one batch, the ownership registry is
 *   widened first (the first batch writes a registry listing what linkdns owns before *and* after) and narrowed last,
 *   so a failure between batches leaves every record linkdns wrote listed as its own, and the next run finishes the
 *   job instead of seeing foreign records.
 *
 * @throws InvalidInputError when one name's changes alone exceed a limit
 */
export function changeBatches(
  changes: Changes,
  zoneDomain: string,
  limits: BatchLimits = ROUTE53_BATCH_LIMITS,
): Change[][] {
  const isRegistry = (record: RecordSet) => isRegistryRecord(record, zoneDomain);
  const registryUpdate = changes.update.find((change) => isRegistry(change.old) && isRegistry(change.new));
  const registryBefore = registryUpdate?.old ?? changes.delete.find(isRegistry);
  const registryAfter = registryUpdate?.new ?? changes.create.find(isRegistry);

  const groups = new Map<string, Change[]>();
  const add = (name: string, change: Change) => {
    const named = groups.get(name);
    if (named) named.push(change);
    else groups.set(name, [change]);
  };
  for (const record of changes.delete) if (!isRegistry(record)) add(record.name, deleteChange(record));
  for (const change of changes.update) {
    if (change === registryUpdate) continue;
    add(change.old.name, deleteChange(change.old));
    add(change.new.name, createChange(change.new));
  }
  for (const record of changes.create) if (!isRegistry(record)) add(record.name, createChange(record));
  const recordGroups = [...groups.values()].map(group);

  const registryChanges = transition(registryBefore, registryAfter);
  const all = [...recordGroups, group(registryChanges)];
  if (fits(all, limits)) return [deletesFirst(all.flatMap((entry) => entry.changes))];

  const inFlight =
    registryBefore && registryAfter
      ? (registryUnion(registryBefore, registryAfter, zoneDomain) ?? registryAfter)
      : (registryAfter ?? registryBefore);
  const opening = group(transition(registryBefore, inFlight));
  const closing = group(transition(inFlight, registryAfter));
  const batches: ChangeGroup[][] = [[opening]];
  // Running totals of the batch being filled, so packing stays linear in the number of changes.
  let filled = { records: opening.records, characters: opening.characters };
  for (const entry of [...recordGroups, closing]) {
    if (!fits([entry], limits)) {
      const name = entry.changes[0]?.ResourceRecordSet?.Name ?? '(registry)';
      throw new InvalidInputError(
        `Changes to ${name} need ${entry.records} records and ${entry.characters} characters, more than one Route 53 batch allows (${limits.resourceRecords} / ${limits.valueCharacters})`,
      );
    }
    const withEntry = { records: filled.records + entry.records, characters: filled.characters + entry.characters };
    if (withEntry.records <= limits.resourceRecords && withEntry.characters <= limits.valueCharacters) {
      (batches.at(-1) as ChangeGroup[]).push(entry);
      filled = withEntry;
    } else {
      batches.push([entry]);
      filled = { records: entry.records, characters: entry.characters };
    }
  }
  // Stryker disable next-line MethodExpression: equivalent, no batch is empty (the first holds the opening registry
  // change or the first entry, each later one starts with an entry that did not fit); the filter is a guard only
  return batches
    .map((batch) => deletesFirst(batch.flatMap((entry) => entry.changes)))
    .filter((batch) => batch.length > 0);
}

/** The registry changes that turn `before` into `after` (either may be absent). */
function transition(before: RecordSet | undefined, after: RecordSet | undefined): Change[] {
  if (before && after) return sameRecord(before, after) ? [] : [deleteChange(before), createChange(after)];
  if (after) return [createChange(after)];
  if (before) return [deleteChange(before)];
  return [];
}

function deleteChange(record: RecordSet): Change {
  return { Action: 'DELETE', ResourceRecordSet: toRoute53RecordSet(record) };
}

function createChange(record: RecordSet): Change {
  return { Action: 'CREATE', ResourceRecordSet: toRoute53RecordSet(record) };
}

function group(changes: Change[]): ChangeGroup {
  let records = 0;
  let characters = 0;
  for (const change of changes) {
    for (const record of change.ResourceRecordSet?.ResourceRecords ?? []) {
      records += 1;
      characters += record.Value?.length ?? 0;
    }
  }
  return { changes, records, characters };
}

function fits(groups: readonly ChangeGroup[], limits: BatchLimits): boolean {
  const records = groups.reduce((sum, entry) => sum + entry.records, 0);
  const characters = groups.reduce((sum, entry) => sum + entry.characters, 0);
  return records <= limits.resourceRecords && characters <= limits.valueCharacters;
}

function deletesFirst(changes: readonly Change[]): Change[] {
  return [
    ...changes.filter((change) => change.Action === 'DELETE'),
    ...changes.filter((change) => change.Action !== 'DELETE'),
  ];
}

/** Total ResourceRecord elements and value characters of a batch, as Route 53 counts them. */
export function batchSize(batch: readonly Change[]): { records: number; characters: number } {
  const { records, characters } = group([...batch]);
  return { records, characters };
}
