import { type RecordSet, recordSet } from '../../functions/core/model.ts';
import { NO_CHANGES, planZoneChanges } from '../../functions/core/plan.ts';
import type { RunReport, Trigger, ZoneReport } from '../../functions/core/report.ts';

/**
 * Run reports shaped as the reconciler produces them: the changes come from the real planner, so the registry record
 * and record names look exactly as they would in production.
 */

export const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
export const SCOPE = 'vpc-0a1b2c3d4e5f60718';
export const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
export const ENDPOINT = 'vpce-0f1e2d3c4b5a69788';
const SERVICE_DNS = 'vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com';

export const ENDPOINT_EVENT: Trigger = {
  kind: 'endpoint-event',
  id: '6f1c2b9e-3d4a-4e5f-8a7b-0c1d2e3f4a5b',
  description: `CreateVpcEndpoint ${ENDPOINT}`,
};

export const SCHEDULE: Trigger = {
  kind: 'schedule',
  id: 'repair-2026-03-01T06:00:00Z',
  description: 'Scheduled drift repair',
};

export function wantedRecords(domain = DOMAIN, endpoint = ENDPOINT): RecordSet[] {
  return [
    recordSet(`*.${domain}`, 'CNAME', 60, [`${endpoint}-abcdefgh.${SERVICE_DNS}`]),
    recordSet(`*.use2-az1.${domain}`, 'CNAME', 60, [`${endpoint}-abcdefgh-us-east-2a.${SERVICE_DNS}`]),
    recordSet(`*.use2-az2.${domain}`, 'CNAME', 60, [`${endpoint}-abcdefgh-us-east-2b.${SERVICE_DNS}`]),
  ];
}

function plan(desired: readonly RecordSet[], current: readonly RecordSet[], domain = DOMAIN, endpoints = [ENDPOINT]) {
  return planZoneChanges({ domain, scope: SCOPE, owner: 'prod', desired, current, endpoints, policy: 'sync' });
}

/** The zone as linkdns leaves it after creating the records: the records plus the registry. */
export function ownedZone(domain = DOMAIN): RecordSet[] {
  return [...wantedRecords(domain), ...plan(wantedRecords(domain), [], domain).changes.create.slice(-1)];
}

export function zoneReport(overrides: Partial<ZoneReport> & Pick<ZoneReport, 'outcome'>): ZoneReport {
  return {
    domain: DOMAIN,
    scope: SCOPE,
    zoneId: ZONE_ID,
    changes: NO_CHANGES,
    conflicts: [],
    endpoints: [ENDPOINT],
    attempts: 1,
    ...overrides,
  };
}

export function runReport(trigger: Trigger, zones: readonly ZoneReport[], dryRun = false): RunReport {
  return { trigger, dryRun, startedAt: '2026-03-01T06:00:00.000Z', finishedAt: '2026-03-01T06:00:02.500Z', zones };
}

/** An endpoint appeared: three wildcard CNAMEs and the registry were created. */
export function createdZone(domain = DOMAIN): ZoneReport {
  return zoneReport({ domain, outcome: 'changed', changes: plan(wantedRecords(domain), [], domain).changes });
}

/** The endpoint is gone: its records and the registry were deleted. */
export function cleanedUpZone(): ZoneReport {
  return zoneReport({ outcome: 'changed', endpoints: [], changes: plan([], ownedZone(), DOMAIN, []).changes });
}

/** Someone pointed the regional record elsewhere; the scheduled run put it back. */
export function repairedZone(): ZoneReport {
  const [regional, ...rest] = ownedZone();
  if (!regional) throw new Error('fixture has no regional record');
  const edited = recordSet(regional.name, 'CNAME', 300, ['somewhere-else.example.com']);
  return zoneReport({ outcome: 'changed', changes: plan(wantedRecords(), [edited, ...rest]).changes });
}

export function failedZone(): ZoneReport {
  return zoneReport({
    domain: 'lkc-7y3k2.us-east-2.aws.confluent.cloud',
    zoneId: undefined,
    outcome: 'failed',
    attempts: 0,
    error: {
      name: 'ZoneNotFoundError',
      message: 'No private zone lkc-7y3k2.us-east-2.aws.confluent.cloud is associated with vpc-0a1b2c3d4e5f60718',
      retryable: false,
    },
  });
}

export function conflictZone(): ZoneReport {
  return zoneReport({
    outcome: 'conflict',
    conflicts: [
      {
        name: `*.${DOMAIN}`,
        type: 'CNAME',
        reason: 'exists and is not owned by linkdns (CNAME other.example.com); set adoptExisting to take it over',
      },
    ],
  });
}

export function unchangedZone(domain = DOMAIN): ZoneReport {
  return zoneReport({ domain, outcome: 'unchanged' });
}
