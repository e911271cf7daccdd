import { ConcurrentChangeError } from '../../functions/core/errors.ts';
import { type ObservedEndpoint, type RecordSet, recordKey, sameRecord } from '../../functions/core/model.ts';
import type { Changes } from '../../functions/core/plan.ts';
import type { DnsProvider, EndpointSource, OwnershipGuard, ZoneRef } from '../../functions/core/ports.ts';

/** Endpoints held in memory, for core tests. */
export class InMemoryEndpoints implements EndpointSource {
  readonly endpoints = new Map<string, ObservedEndpoint>();

  constructor(endpoints: readonly ObservedEndpoint[] = []) {
    for (const endpoint of endpoints) this.endpoints.set(endpoint.id, endpoint);
  }

  async getEndpoint(id: string): Promise<ObservedEndpoint | undefined> {
    return this.endpoints.get(id);
  }

  async listEndpoints(scope?: string): Promise<ObservedEndpoint[]> {
    return [...this.endpoints.values()].filter((endpoint) => !scope || endpoint.scope === scope);
  }
}

/**
 * Zones held in memory with the semantics that matter (as external-dns's in-memory provider): a create must not
 * exist, a delete or update must match the current record exactly; a batch is all or nothing.
 */
export class InMemoryDns implements DnsProvider {
  readonly zones = new Map<string, { ref: ZoneRef; scopes: Set<string>; records: Map<string, RecordSet> }>();
  readonly applied: Changes[] = [];
  /** Runs once before the next apply, to simulate another writer. */
  beforeNextApply?: () => void;

  addZone(id: string, domain: string, scopes: readonly string[], records: readonly RecordSet[] = []): void {
    this.zones.set(id, {
      ref: { id, domain },
      scopes: new Set(scopes),
      records: new Map(records.map((record) => [recordKey(record), record])),
    });
  }

  records(id: string): RecordSet[] {
    return [...(this.zones.get(id)?.records.values() ?? [])];
  }

  async findZone(domain: string, scope: string): Promise<ZoneRef | undefined> {
    return [...this.zones.values()].find((zone) => zone.ref.domain === domain && zone.scopes.has(scope))?.ref;
  }

  async listZones(domains: readonly string[]): Promise<ZoneRef[]> {
    return [...this.zones.values()]
      .filter((zone) => domains.some((domain) => zone.ref.domain === domain || zone.ref.domain.endsWith(`.${domain}`)))
      .map((zone) => zone.ref);
  }

  async readRecords(zone: ZoneRef): Promise<RecordSet[]> {
    return this.records(zone.id);
  }

  async applyChanges(zone: ZoneRef, changes: Changes, _guard: OwnershipGuard): Promise<void> {
    this.beforeNextApply?.();
    this.beforeNextApply = undefined;
    const records = new Map(this.zones.get(zone.id)?.records);
    const expectCurrent = (record: RecordSet) => {
      const current = records.get(recordKey(record));
      if (!current || !sameRecord(current, record)) throw new ConcurrentChangeError(`${recordKey(record)} changed`);
    };
    for (const record of [...changes.delete, ...changes.update.map((change) => change.old)]) {
      expectCurrent(record);
      records.delete(recordKey(record));
    }
    for (const record of [...changes.create, ...changes.update.map((change) => change.new)]) {
      if (records.has(recordKey(record))) throw new ConcurrentChangeError(`${recordKey(record)} exists`);
      records.set(recordKey(record), record);
    }
    const target = this.zones.get(zone.id);
    if (target) target.records = records;
    this.applied.push(changes);
  }
}
