import { describe, expect, it } from 'vitest';
import type { RunReport, ZoneReport } from '../../functions/core/report.ts';
import { matchesFilter, type NotificationFilter, summarizeForDestination } from '../../functions/notify/run-summary.ts';
import {
  cleanedUpZone,
  conflictZone,
  createdZone,
  ENDPOINT_EVENT,
  failedZone,
  repairedZone,
  runReport,
  SCHEDULE,
  unchangedZone,
  zoneReport,
} from './reports.ts';

const changes = { filter: 'changes', notifyUnchanged: false } as const;

describe('matchesFilter', () => {
  const drift = zoneReport({ outcome: 'drift', changes: repairedZone().changes });
  const cases: [string, ZoneReport, 'endpoint' | 'schedule', NotificationFilter, boolean][] = [
    ['a created zone is a change', createdZone(), 'endpoint', 'changes', true],
    ['an unchanged zone is not a change', unchangedZone(), 'schedule', 'changes', false],
    ['a failed zone is a change (something happened)', failedZone(), 'endpoint', 'changes', true],
    ['drift detected is drift', drift, 'endpoint', 'drift', true],
    ['a repair by the schedule is drift', repairedZone(), 'schedule', 'drift', true],
    ['a change by an endpoint event is not drift', createdZone(), 'endpoint', 'drift', false],
    ['a conflict found by the schedule is drift', conflictZone(), 'schedule', 'drift', true],
    ['a failure is not drift', failedZone(), 'schedule', 'drift', false],
    ['a failure is an error', failedZone(), 'endpoint', 'errors', true],
    ['a conflict is an error (needs a person)', conflictZone(), 'endpoint', 'errors', true],
    ['a repair is not an error', repairedZone(), 'schedule', 'errors', false],
  ];
  it.each(cases)('%s', (_name, zone, trigger, filter, expected) => {
    expect(matchesFilter(zone, filter, trigger === 'endpoint' ? ENDPOINT_EVENT : SCHEDULE)).toBe(expected);
  });
});

describe('summarizeForDestination', () => {
  it('tells what happened per zone in words on-call people use', () => {
    // Prepare
    const byEvent = (report: RunReport) => summarizeForDestination(report, changes)?.zones.map((zone) => zone.event);

    // Act / Assess
    expect(byEvent(runReport(ENDPOINT_EVENT, [createdZone()]))).toEqual(['created']);
    expect(byEvent(runReport(ENDPOINT_EVENT, [cleanedUpZone()]))).toEqual(['cleaned-up']);
    expect(byEvent(runReport(ENDPOINT_EVENT, [repairedZone()]))).toEqual(['updated']);
    expect(byEvent(runReport(SCHEDULE, [repairedZone()]))).toEqual(['repaired']);
    expect(byEvent(runReport(ENDPOINT_EVENT, [conflictZone(), failedZone()]))).toEqual(['conflict', 'failed']);
  });

  it('is quiet for a run with no news, unless notifyUnchanged asks for a heartbeat', () => {
    // Prepare
    const quiet = runReport(SCHEDULE, [unchangedZone(), unchangedZone('b.example.com')]);
    const empty = runReport(SCHEDULE, []);

    // Act / Assess
    expect(summarizeForDestination(quiet, changes)).toBeUndefined();
    expect(summarizeForDestination(empty, changes)).toBeUndefined();
    expect(summarizeForDestination(quiet, { ...changes, notifyUnchanged: true })).toMatchObject({
      headline: 'linkdns: no changes (2 zones checked)',
      severity: 'info',
      zones: [],
      unchangedZones: 2,
    });
  });

  it('sends no heartbeat to a filtered destination when the run had news it filters out', () => {
    // Prepare
    const report = runReport(ENDPOINT_EVENT, [createdZone()]);

    // Act
    const summary = summarizeForDestination(report, { filter: 'errors', notifyUnchanged: true });

    // Assess
    expect(summary).toBeUndefined();
  });

  it('counts the zones it leaves out', () => {
    // Act
    const summary = summarizeForDestination(runReport(ENDPOINT_EVENT, [createdZone(), failedZone(), unchangedZone()]), {
      filter: 'errors',
      notifyUnchanged: false,
    });

    // Assess
    expect(summary).toMatchObject({ unchangedZones: 1, filteredZones: 1, severity: 'failure' });
    expect(summary?.zones.map((zone) => zone.event)).toEqual(['failed']);
  });

  it('headlines one zone by name and several by what happened, most severe first', () => {
    // Act
    const one = summarizeForDestination(runReport(ENDPOINT_EVENT, [createdZone()]), changes);
    const several = summarizeForDestination(
      runReport(SCHEDULE, [repairedZone(), failedZone(), conflictZone(), createdZone('b.example.com')]),
      changes,
    );
    const dry = summarizeForDestination(runReport(ENDPOINT_EVENT, [zoneReport({ outcome: 'drift' })], true), changes);

    // Assess
    expect(one?.headline).toBe('linkdns: DNS records created in pr1jy6.us-east-2.aws.confluent.cloud');
    expect(several?.headline).toBe('linkdns: 4 zones: 1 failed, 1 in conflict, 2 repaired');
    expect(dry?.headline).toBe('linkdns (dry run): Drift detected in pr1jy6.us-east-2.aws.confluent.cloud');
    expect(dry?.severity).toBe('warning');
  });

  it('lists the record rows sorted by name with the registry last, updates with their previous value', () => {
    // Act
    const summary = summarizeForDestination(runReport(SCHEDULE, [repairedZone()]), changes);

    // Assess
    expect(summary?.zones[0]?.changes).toEqual([
      {
        action: 'update',
        name: '*.pr1jy6.us-east-2.aws.confluent.cloud',
        type: 'CNAME',
        ttl: 60,
        values: ['vpce-0f1e2d3c4b5a69788-abcdefgh.vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com'],
        previous: { ttl: 300, values: ['somewhere-else.example.com'] },
        registry: false,
      },
    ]);
  });

  describe('outcome id', () => {
    const id = (report: RunReport, filter: NotificationFilter = 'changes') =>
      summarizeForDestination(report, { filter, notifyUnchanged: false })?.id;
    const failed = runReport(ENDPOINT_EVENT, [failedZone()]);

    it('is the same when the same event ends the same way again (times, attempts, request ids differ)', () => {
      // Prepare
      const [zone] = failed.zones;
      if (!zone?.error) throw new Error('fixture');
      const retried: RunReport = {
        ...failed,
        startedAt: '2026-03-02T00:00:00.000Z',
        finishedAt: '2026-03-02T00:00:09.000Z',
        zones: [{ ...zone, attempts: 3, error: { ...zone.error, message: `${zone.error.message} (request 42)` } }],
      };

      // Act / Assess
      expect(id(retried)).toBe(id(failed));
      expect(id(failed)).toMatch(/^msg_[0-9a-f]{32}$/);
    });

    it('differs for another trigger, another outcome or other changes', () => {
      // Act
      const ids = new Set([
        id(failed),
        id({ ...failed, trigger: { ...ENDPOINT_EVENT, id: 'another-event' } }),
        id(runReport(ENDPOINT_EVENT, [createdZone()])),
        id(runReport(ENDPOINT_EVENT, [repairedZone()])),
        id(runReport(ENDPOINT_EVENT, [createdZone(), failedZone()])),
      ]);

      // Assess
      expect(ids.size).toBe(5);
    });

    it('depends on what the destination is told: a filtered view has its own id', () => {
      // Prepare
      const report = runReport(ENDPOINT_EVENT, [createdZone(), failedZone()]);

      // Act / Assess
      expect(id(report, 'errors')).not.toBe(id(report, 'changes'));
      expect(id(report, 'errors')).toBe(id(runReport(ENDPOINT_EVENT, [failedZone()]), 'errors'));
    });
  });
});
