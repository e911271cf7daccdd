import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import humanEdit from '../../events/aws/change-resource-record-sets.json' with { type: 'json' };
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import { handleZoneEvent } from '../../functions/aws/handlers/zone-events.ts';
import type { RunReport } from '../../functions/core/report.ts';
import {
  addNetwork,
  addSite,
  createRepairRuntime,
  type RepairHarness,
  type RepairRuntime,
  type RuntimeOptions,
  resetObservations,
  type Site,
  slackMessages,
  startRepairHarness,
  takeMetrics,
  zoneRecords,
} from './scheduled-repair-harness.ts';

const ACCOUNT = '111122223333';
const WRITER_ROLE = `arn:aws:iam::${ACCOUNT}:role/linkdns-RepairFunctionServiceRole-1A2B3C4D5E6F`;
const OTHER_WRITER_ROLE = `arn:aws:iam::${ACCOUNT}:role/linkdns-EndpointEventsFunctionServiceRole-6F5E4D3C2B1A`;

let harness: RepairHarness;
beforeEach(async () => {
  harness = await startRepairHarness();
});
afterEach(async () => {
  await harness.close();
});

/** Two Confluent networks, one VPC each, converged by a scheduled run. */
async function twoConvergedSites(options: RuntimeOptions = {}): Promise<{ a: Site; b: Site } & RepairRuntime> {
  const networks = [
    addNetwork(harness, 'aaa111.us-east-2.aws.confluent.cloud'),
    addNetwork(harness, 'bbb222.us-east-2.aws.confluent.cloud'),
  ];
  const [a, b] = networks.map((network) => addSite(harness, network)) as [Site, Site];
  const setup = await createRepairRuntime(harness, networks, {
    writerRoleArns: [WRITER_ROLE, OTHER_WRITER_ROLE],
    ...options,
  });
  await handleScheduledRepair({ id: 'converge' }, setup.runtime);
  resetObservations(harness, setup.metrics);
  return { a, b, ...setup };
}

/** The comment of the last change batch the local Route 53 accepted: what linkdns itself sent. */
function lastChangeComment(): string | undefined {
  return [...harness.aws.route53.changes.values()].at(-1)?.comment;
}

/** The CloudTrail event of `events/aws/change-resource-record-sets.json`, for another zone, principal or comment. */
function recordChangeEvent(
  zoneId: string,
  options: { identity?: Record<string, unknown>; comment?: string } = {},
): typeof humanEdit {
  const event = structuredClone(humanEdit);
  event.detail.requestParameters.hostedZoneId = zoneId;
  if (options.identity) (event.detail as { userIdentity: unknown }).userIdentity = options.identity;
  if (options.comment !== undefined) {
    (event.detail.requestParameters.changeBatch as { comment?: string }).comment = options.comment;
  }
  return event;
}

/** The identity CloudTrail records for a call made by a Lambda function's execution role. */
function assumedRole(roleArn: string): Record<string, unknown> {
  const roleName = roleArn.split('/').at(-1);
  return {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEROLEID:linkdns-repair',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/linkdns-repair`,
    accountId: ACCOUNT,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLEID',
        arn: roleArn,
        accountId: ACCOUNT,
        userName: roleName,
      },
      attributes: { creationDate: '2026-11-23T08:15:00Z', mfaAuthenticated: 'false' },
    },
  };
}

function tamper(site: Site): void {
  harness.aws.route53.putRecordSet(site.zoneId, {
    name: `*.${site.domain}`,
    type: 'CNAME',
    ttl: 60,
    values: ['typo.example.com'],
  });
}

function isTampered(site: Site): boolean {
  return !!harness.aws.route53
    .recordSet(site.zoneId, `*.${site.domain}`, 'CNAME')
    ?.values?.includes('typo.example.com');
}

describe('zone events: linkdns does not react to its own writes', () => {
  it('ignores a change made by one of its writer roles, without a single API call', async () => {
    // Prepare: a repair writes (as the repair function's role would), and CloudTrail reports that write.
    const { a, ...setup } = await twoConvergedSites();
    tamper(a);
    await handleScheduledRepair({ id: 'repair' }, setup.runtime);
    resetObservations(harness, setup.metrics);
    // Without the change comment, so the principal alone must tell.
    const ownWrite = recordChangeEvent(a.zoneId, { identity: assumedRole(WRITER_ROLE) });

    // Act
    const result = await handleZoneEvent(ownWrite, setup.runtime);

    // Assess
    expect(result).toEqual({ ignored: `change made by linkdns itself (${WRITER_ROLE})` });
    expect(harness.aws.requests.entries).toEqual([]);
    expect(harness.slack.requests).toEqual([]);
  });

  it('ignores a change carrying the change-batch comment linkdns writes, whoever made it', async () => {
    // Prepare: `linkdns apply` run by a person: not a writer role, but the batch carries linkdns's comment.
    const { a, ...setup } = await twoConvergedSites();
    const comment = lastChangeComment();
    const person = {
      type: 'IAMUser',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      accountId: ACCOUNT,
      userName: 'alice',
    };

    // Act
    const result = await handleZoneEvent(recordChangeEvent(a.zoneId, { identity: person, comment }), setup.runtime);

    // Assess
    expect(comment).toMatch(/^linkdns owner=platform batch 1\/1$/);
    expect(result).toEqual({ ignored: 'change made by linkdns itself (change comment)' });
    expect(harness.aws.requests.entries).toEqual([]);
  });

  it('would not loop even without either marker: re-checking its own write finds nothing to change', async () => {
    // Prepare: linkdns's own write, reported with an unknown principal and no comment (markers lost).
    const { a, ...setup } = await twoConvergedSites({ writerRoleArns: [] });
    const unknown = assumedRole(`arn:aws:iam::${ACCOUNT}:role/some-role-linkdns-does-not-know`);

    // Act
    const result = (await handleZoneEvent(
      recordChangeEvent(a.zoneId, { identity: unknown }),
      setup.runtime,
    )) as RunReport;

    // Assess
    expect(result.zones).toMatchObject([{ zoneId: a.zoneId, outcome: 'unchanged' }]);
    expect(harness.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
    expect(harness.aws.requests.writes()).toEqual([]);
    expect(harness.slack.requests).toEqual([]);
  });
});

describe('zone events: a person edits a managed zone', () => {
  it('repairs that zone at once, and only that zone', async () => {
    // Prepare
    const { a, b, ...setup } = await twoConvergedSites();
    tamper(a);
    tamper(b);
    const changedZones: string[] = [];
    harness.aws.route53.beforeChangeBatch = (zone) => changedZones.push(zone.id);

    // Act
    const result = (await handleZoneEvent(recordChangeEvent(a.zoneId), setup.runtime)) as RunReport;

    // Assess
    expect(result.trigger).toMatchObject({ kind: 'zone-event', id: humanEdit.detail.eventID });
    expect(result.zones).toMatchObject([{ zoneId: a.zoneId, domain: a.domain, outcome: 'changed' }]);
    expect([isTampered(a), isTampered(b)]).toEqual([false, true]);
    expect(changedZones).toEqual([a.zoneId]);
    // No sweep over all zones: the event's zone is looked up by id, not found by listing every zone.
    expect(harness.aws.requests.count('ListHostedZones')).toBe(0);
    expect(harness.aws.requests.count('GetHostedZone')).toBe(1);
    expect(takeMetrics(setup.metrics)).toMatchObject({ ZonesChecked: 1, DriftDetected: 1, RecordsRepaired: 1 });
    expect(slackMessages(harness)).toMatchObject([{ text: expect.stringContaining(a.domain) }]);
  });

  it('recreates a managed zone a person deleted, when zone creation is opted in', async () => {
    // Prepare
    const { a, b, ...setup } = await twoConvergedSites({ createZones: true });
    const records = zoneRecords(harness, a.zoneId);
    harness.aws.route53.zones.delete(a.zoneId);
    const deletion = structuredClone(humanEdit) as unknown as {
      detail: { eventName: string; requestParameters: unknown };
    };
    deletion.detail.eventName = 'DeleteHostedZone';
    deletion.detail.requestParameters = { id: a.zoneId };

    // Act
    const result = (await handleZoneEvent(deletion, setup.runtime)) as RunReport;

    // Assess
    const [recreated] = harness.aws.route53.zonesNamed(a.domain);
    expect(recreated?.id).not.toBe(a.zoneId);
    expect(zoneRecords(harness, recreated?.id ?? '')).toEqual(records);
    expect(result.zones.map((zone) => [zone.domain, zone.outcome])).toEqual([
      [a.domain, 'changed'],
      [b.domain, 'unchanged'],
    ]);
    expect(harness.aws.requests.count('CreateHostedZone')).toBe(1);
  });
});
