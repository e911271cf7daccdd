import { Stack } from 'aws-cdk-lib';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import humanEdit from '../../events/aws/change-resource-record-sets.json' with { type: 'json' };
import { handleEndpointEvent } from '../../functions/aws/handlers/endpoint-events.ts';
import { handleRepairCoordinator } from '../../functions/aws/handlers/repair-coordinator.ts';
import { handleRepairWorker } from '../../functions/aws/handlers/repair-worker.ts';
import { handleZoneEvent } from '../../functions/aws/handlers/zone-events.ts';
import { PrivateLinkDns } from '../../infra/lib/private-link-dns.ts';
import { normalizedRecordName } from '../../infra/lib/record-name-conditions.ts';
import { childElement, childElements, childText, parseXml } from '../../local/aws/route53-xml.ts';
import type { LoggedRequest } from '../../local/aws/server.ts';
import {
  addNetwork,
  addSite,
  createRepairRuntime,
  type RepairHarness,
  type Site,
  startRepairHarness,
} from '../aws/scheduled-repair-harness.ts';
import { cloudTrailEvent } from '../support/aws-harness.ts';
import { stringLike } from '../support/iam-string-like.ts';
import { actionsOf, resourcesOf, roleStatements, synthesize, type TemplateStatement } from './synth-support.ts';

/**
 * Issue 12, finding 6 (least privilege), checked against what the handlers really do: the real handlers run on the
 * local AWS, and every request they send is evaluated against the IAM statements the synthesized stack gives that
 * function's role. The AWS counterpart of the last case of `test/azure/dns-role.test.ts`.
 */

/** A call as IAM authorises it: action, resource ARN and, for a change batch, the values of its condition keys. */
interface AuthorisedCall {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, readonly string[]>>;
}

type FunctionName = 'EndpointEvents' | 'ZoneEvents' | 'ScheduledRepair' | 'RepairWorker';

const SWEEP_QUEUE = 'linkdns-sweep';

/**
 * The condition operators the linkdns policies use, evaluated as IAM does for multivalued keys: `ForAllValues` holds
 * when every value of the request's key matches one of the policy's values (and for an empty or absent key).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
const OPERATORS: Readonly<Record<string, (policy: string, value: string) => boolean>> = {
  'ForAllValues:StringLike': stringLike,
  'ForAllValues:StringEquals': (policy, value) => policy === value,
};

function conditionsHold(statement: TemplateStatement, call: AuthorisedCall): boolean {
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) => {
    const matches = OPERATORS[operator];
    // An operator this evaluator does not know must fail the test, not pass silently.
    if (!matches) throw new Error(`condition operator ${operator} is not evaluated by this test`);
    return Object.entries(keys).every(([key, allowed]) => {
      const patterns = (Array.isArray(allowed) ? allowed : [allowed]).map(String);
      return (call.context[key] ?? []).every((value) => patterns.some((pattern) => matches(pattern, value)));
    });
  });
}

/** Whether an Allow statement of `statements` allows the call (no statement of linkdns's roles denies). */
function allows(
  statements: readonly TemplateStatement[],
  call: AuthorisedCall,
  resolve: (resource: string) => string,
): boolean {
  return statements.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      actionsOf(statement).some((action) => stringLike(action.toLowerCase(), call.action.toLowerCase())) &&
      resourcesOf(statement).some((resource) => stringLike(resolve(resource), call.resource)) &&
      conditionsHold(statement, call),
  );
}

/** The record names, types and actions of a `ChangeResourceRecordSets` body, as the condition keys present them. */
function changeBatchContext(body: string): Record<string, string[]> {
  const changes = childElements(childElement(childElement(parseXml(body), 'ChangeBatch'), 'Changes'), 'Change').map(
    (change) => ({
      action: childText(change, 'Action') ?? '',
      name: childText(childElement(change, 'ResourceRecordSet'), 'Name') ?? '',
      type: childText(childElement(change, 'ResourceRecordSet'), 'Type') ?? '',
    }),
  );
  return {
    'route53:ChangeResourceRecordSetsNormalizedRecordNames': changes.map((change) => normalizedRecordName(change.name)),
    'route53:ChangeResourceRecordSetsRecordTypes': changes.map((change) => change.type),
    'route53:ChangeResourceRecordSetsActions': changes.map((change) => change.action),
  };
}

/**
 * The IAM action and resource of a logged request, per the Service Authorization Reference (resource types of
 * Route 53, Amazon EC2, Route 53 Profiles and Amazon SQS); `undefined` for a call no permission governs.
 */
function authorisedCall(entry: LoggedRequest, region: string, account: string): AuthorisedCall | undefined {
  const body = entry.requestBody ?? '';
  switch (entry.service) {
    case 'route53': {
      const zone = /\/hostedzone\/([^/]+)/.exec(entry.path)?.[1];
      const change = /\/change\/([^/]+)/.exec(entry.path)?.[1];
      const resource = zone
        ? `arn:aws:route53:::hostedzone/${zone}`
        : change
          ? `arn:aws:route53:::change/${change}`
          : '*';
      const context = entry.operation === 'ChangeResourceRecordSets' ? changeBatchContext(body) : {};
      return { action: `route53:${entry.operation}`, resource, context };
    }
    case 'ec2':
      // Describe* has no resource-level permission.
      return { action: `ec2:${entry.operation}`, resource: '*', context: {} };
    case 'route53profiles': {
      const profile = /\/profileid\/([^/]+)$/.exec(entry.path)?.[1];
      const resource = profile ? `arn:aws:route53profiles:${region}:${account}:profile/${profile}` : '*';
      return { action: `route53profiles:${entry.operation}`, resource, context: {} };
    }
    case 'sqs': {
      const queue = String((JSON.parse(body || '{}') as { QueueUrl?: string }).QueueUrl ?? '')
        .split('/')
        .at(-1);
      // SendMessageBatch, DeleteMessageBatch and ChangeMessageVisibilityBatch have no IAM action of their own: the
      // permission of the single-message action covers them.
      // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api.html
      const action = `sqs:${entry.operation.replace(/Batch$/, '')}`;
      return { action, resource: `arn:aws:sqs:${region}:${account}:${queue}`, context: {} };
    }
    case 'sts':
      // sts:GetCallerIdentity needs no permission.
      return undefined;
    default:
      throw new Error(`no IAM mapping for ${entry.service}:${entry.operation}`);
  }
}

describe('the Lambda roles allow every call the real handlers make on the local AWS (issue 12, finding 6)', () => {
  let harness: RepairHarness;
  let site: Site;
  let region: string;
  let account: string;
  const statementsOf = new Map<FunctionName, TemplateStatement[]>();
  let resolve: (resource: string) => string;
  const calls: { fn: FunctionName; entry: LoggedRequest; call: AuthorisedCall }[] = [];

  beforeAll(async () => {
    // Prepare: the local zone first, so the stack is synthesized with its id as a managed zone.
    harness = await startRepairHarness();
    region = harness.aws.ec2.region;
    account = harness.aws.accounts.defaultAccount;
    const network = addNetwork(harness, 'rpl4y1.us-east-2.aws.confluent.cloud');
    site = addSite(harness, network);
    const dlq = harness.aws.sqs.createQueue(`${SWEEP_QUEUE}-dlq`);
    const queue = harness.aws.sqs.createQueue(SWEEP_QUEUE, { queue: dlq, maxReceiveCount: 3 });

    const synth = synthesize(
      (app) => {
        const stack = new Stack(app, 'Replay', { env: { account, region } });
        new PrivateLinkDns(stack, 'Linkdns', {
          config: { owner: 'platform', mappings: [{ service: network.service, domain: network.domain }] },
          managedZoneIds: [site.zoneId],
        });
        return [stack];
      },
      { registerNag: false },
    );
    try {
      const template = synth.template(synth.stacks[0] as Stack);
      for (const fn of ['EndpointEvents', 'ZoneEvents', 'ScheduledRepair', 'RepairWorker'] as const) {
        statementsOf.set(fn, roleStatements(template, `Linkdns${fn}Role`));
      }
      // CloudFormation references in the rendered ARNs, as they resolve in this account: the partition, and the
      // sweep queue the local SQS plays.
      const sweepQueue = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) =>
        id.startsWith('LinkdnsSweepQueue'),
      );
      resolve = (resource) =>
        resource
          .replaceAll('<AWS::Partition>', 'aws')
          .replaceAll(`<${sweepQueue}.Arn>`, `arn:aws:sqs:${region}:${account}:${SWEEP_QUEUE}`);
    } finally {
      synth.dispose();
    }

    const { runtime } = await createRepairRuntime(harness, [network], {
      env: {
        LINKDNS_MANAGED_ZONE_IDS: site.zoneId,
        LINKDNS_ACCOUNT_ID: account,
        LINKDNS_SWEEP_QUEUE_URL: queue,
        LINKDNS_SWEEP_BATCH_ZONES: '4',
      },
    });
    const replay = async (fn: FunctionName, run: () => Promise<unknown>) => {
      harness.aws.requests.reset();
      await run();
      for (const entry of harness.aws.requests.entries) {
        const call = authorisedCall(entry, region, account);
        if (call) calls.push({ fn, entry, call });
      }
    };
    const tamper = () =>
      harness.aws.route53.putRecordSet(site.zoneId, {
        name: `*.${site.domain}`,
        type: 'CNAME',
        ttl: 60,
        values: ['typo.example.com'],
      });

    // Act: an endpoint event writes the records; a zone event repairs an edit; the scheduled repair (coordinator,
    // then the worker for each batch the sweep queue delivers) repairs another.
    await replay('EndpointEvents', () =>
      handleEndpointEvent(cloudTrailEvent('create-vpc-endpoint.json', site.endpointId), runtime),
    );
    tamper();
    const edit = structuredClone(humanEdit);
    edit.detail.requestParameters.hostedZoneId = site.zoneId;
    await replay('ZoneEvents', () => handleZoneEvent(edit, runtime));
    tamper();
    await replay('ScheduledRepair', () => handleRepairCoordinator(runtime));
    await replay('RepairWorker', async () => {
      while (
        (await harness.aws.sqs.deliver(queue, async (event) => {
          const result = await handleRepairWorker(event as unknown as SQSEvent, runtime);
          return { batchItemFailures: [...result.batchItemFailures] };
        })) > 0
      ) {
        // until the queue is drained
      }
    });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  it('replays writes by all three write paths: endpoint event, zone event and repair worker', () => {
    const writers = calls
      .filter(({ entry, call }) => call.action === 'route53:ChangeResourceRecordSets' && entry.status < 300)
      .map(({ fn }) => fn);
    expect(new Set(writers)).toEqual(new Set(['EndpointEvents', 'ZoneEvents', 'RepairWorker']));
    expect(calls.filter(({ fn }) => fn === 'ScheduledRepair').map(({ call }) => call.action)).toContain(
      'sqs:SendMessage',
    );
    // The tampered record is back: the replayed runs did their job, not an early exit.
    expect(harness.aws.route53.recordSet(site.zoneId, `*.${site.domain}`, 'CNAME')?.values).not.toContain(
      'typo.example.com',
    );
  });

  it('allows each call by a statement of the calling function’s role, resource and conditions included', () => {
    const refused = calls
      .filter(({ fn, call }) => !allows(statementsOf.get(fn) ?? [], call, resolve))
      .map(({ fn, call }) => `${fn}: ${call.action} on ${call.resource} ${JSON.stringify(call.context)}`);
    expect(refused).toEqual([]);
    // How much was replayed, per function and action (printed for the report).
    const summary: Record<string, number> = {};
    for (const { fn, call } of calls) summary[`${fn} ${call.action}`] = (summary[`${fn} ${call.action}`] ?? 0) + 1;
    console.info(`replayed ${calls.length} calls`, summary);
    expect(calls.length).toBeGreaterThan(10);
  });

  describe('refuses the writes the roles must not allow', () => {
    /** A change batch the worker's role is asked to allow, built from a batch the handlers really sent. */
    const variant = (edit: (context: Record<string, string[]>) => void, zoneId?: string): AuthorisedCall => {
      const sent = calls.find(
        ({ fn, call }) => fn === 'RepairWorker' && call.action === 'route53:ChangeResourceRecordSets',
      );
      if (!sent) throw new Error('the worker sent no change batch');
      const context = structuredClone(sent.call.context) as Record<string, string[]>;
      edit(context);
      return {
        ...sent.call,
        resource: zoneId ? `arn:aws:route53:::hostedzone/${zoneId}` : sent.call.resource,
        context,
      };
    };

    it('allows the batch as sent (the baseline the variants change one thing of)', () => {
      expect(
        allows(
          statementsOf.get('RepairWorker') ?? [],
          variant(() => {}),
          resolve,
        ),
      ).toBe(true);
    });

    it.each([
      ['a zone not in the configuration', () => variant(() => {}, 'Z09OTHERZONE0000000')],
      ['an UPSERT', () => variant((context) => context['route53:ChangeResourceRecordSetsActions']?.push('UPSERT'))],
      ['an MX record', () => variant((context) => context['route53:ChangeResourceRecordSetsRecordTypes']?.push('MX'))],
      [
        'a name outside the mapped domain',
        () =>
          variant((context) =>
            context['route53:ChangeResourceRecordSetsNormalizedRecordNames']?.push(
              normalizedRecordName('www.example.com'),
            ),
          ),
      ],
    ])('refuses %s', (_case, build) => {
      // Prepare
      const call = build();
      // Act
      const allowed = allows(statementsOf.get('RepairWorker') ?? [], call, resolve);
      // Assess
      expect(allowed).toBe(false);
    });

    it('refuses a change batch from the coordinator, whose role has no write statement', () => {
      expect(
        allows(
          statementsOf.get('ScheduledRepair') ?? [],
          variant(() => {}),
          resolve,
        ),
      ).toBe(false);
    });
  });
});
