import { createHash } from 'node:crypto';
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { z } from 'zod';
import { parseProfileZoneIds } from '../../functions/aws/profile-zone-ids.ts';
import { type configSchema, type LinkdnsConfig, managedDomains, parseConfig } from '../../functions/core/config.ts';
import { ConfigError } from '../../functions/core/errors.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { ENDPOINT_EVENT_PATTERN, zoneEventPattern } from './event-patterns.ts';
import { type FunctionSecrets, functionSecrets } from './function-secrets.ts';
import { LinkdnsFunction } from './linkdns-function.ts';
import {
  ANY_ZONE_REASON,
  assumeSpokeRoleStatement,
  bareHostedZoneIds,
  createZonesStatements,
  decryptSecretsStatement,
  EC2_DESCRIBE_REASON,
  findProfileZonesStatements,
  findZonesStatement,
  hostedZoneArns,
  PROFILES_LOOKUP_REASON,
  readConfigurationStatement,
  readEndpointsStatement,
  readFunctionSecretsStatements,
  readZonesStatement,
  writeRecordsStatement,
  ZONE_CREATION_REASON,
  ZONE_LOOKUP_REASON,
} from './linkdns-permissions.ts';
import { acknowledgeWildcardResource } from './nag-acknowledgements.ts';
import { managedRecordNamePatterns } from './record-name-conditions.ts';
import { type Route53Budget, route53Budget } from './route53-budget.ts';

/** The configuration as written by people: defaults may be left out (schema: `functions/core/config.ts`). */
export type LinkdnsConfigInput = z.input<typeof configSchema>;

/** `repair` applies the changes a scheduled run finds; `detect-only` reports the drift and changes nothing. */
export type RepairMode = 'repair' | 'detect-only';

/** Name of the read-only role the spoke accounts create, unless told otherwise. */
export const DEFAULT_SPOKE_ROLE_NAME = 'linkdns-endpoint-reader';

/** IAM path of the functions' roles; spoke roles trust the central account's roles under this path only. */
export const DEFAULT_ROLE_PATH = '/linkdns/';

/** Name of the central event bus that spoke accounts forward endpoint events to. */
export const DEFAULT_CENTRAL_EVENT_BUS_NAME = 'linkdns-central';

/**
 * The IAM inline policy size limit is 10,240 characters per role; past this share of it for the record-name list,
 * the deployment would fail at CloudFormation time, so synthesis fails first.
 */
const MAX_RECORD_NAME_CONDITION_CHARS = 6_000;

export interface PrivateLinkDnsProps {
  /**
   * linkdns configuration: mappings, layouts, policy, notification destinations (schema:
   * `functions/core/config.ts`). Validated at synthesis: a bad configuration fails `cdk synth` with every problem
   * listed. Stored in an SSM parameter (String) that the functions read at start.
   */
  readonly config: LinkdnsConfigInput;
  /**
   * IDs of the private hosted zones linkdns may read and write (`Z0123…`). Route 53 permissions are scoped to these
   * ARNs, and the record names inside them are limited further to the names the configuration can produce
   * (`\052.<domain>`, `\052.*.<domain>`, `_linkdns.<domain>` and those of custom layouts).
   * Required unless `allowAnyHostedZone` is set.
   * @default - none: synthesis fails unless `allowAnyHostedZone` opts in to every hosted zone of the account
   */
  readonly managedZoneIds?: readonly string[];
  /**
   * Let the functions write in any hosted zone of the account (`hostedzone/*`) instead of the `managedZoneIds`:
   * needed with `createZones` (created zones have no ID at deploy time). Writes stay limited to the record names the
   * configuration can produce, to A, CNAME and TXT, and to CREATE and DELETE — but in public zones and other teams'
   * private zones too, as far as IAM is concerned (the functions themselves never write to a public zone and only
   * change records their ownership registry lists). Prefer `managedZoneIds`.
   * @default false
   */
  readonly allowAnyHostedZone?: boolean;
  /**
   * When the drift repair runs.
   * @default Schedule.rate(Duration.minutes(30))
   */
  readonly schedule?: Schedule;
  /**
   * What the scheduled run does with drift. `detect-only` also withholds write permissions from its role.
   * @default 'repair'
   */
  readonly repairMode?: RepairMode;
  /**
   * Create a missing private zone (opt-in). Adds `route53:CreateHostedZone`, `AssociateVPCWithHostedZone` and
   * `ChangeTagsForResource` and writes `zones.create: true` into the stored configuration.
   * @default - `config.zones.create`, which defaults to false
   */
  readonly createZones?: boolean;
  /**
   * Ask the Route 53 Profiles API which zones each VPC sees through its Profile (`ListHostedZonesByVPC` does not show
   * them): grants `route53profiles:ListProfileAssociations` and `ListProfileResourceAssociations`. `false` for accounts
   * whose functions may not call it; list such zones in `profileZoneIds` instead.
   * @default true
   */
  readonly route53ProfilesApi?: boolean;
  /**
   * Zones VPCs see through Route 53 Profiles, from configuration: VPC id (or `region:vpc-id`) → hosted zone IDs. They
   * are found for those VPCs' domains and never shadowed by a zone linkdns creates.
   */
  readonly profileZoneIds?: Readonly<Record<string, readonly string[]>>;
  /**
   * VPCs to associate with the zones linkdns creates (hub or peered VPCs): `vpc-…` in the stack's region or
   * `<region>:vpc-…`. Merged into `config.zones.extraNetworks`.
   * @default - only those in `config.zones.extraNetworks`
   */
  readonly extraVpcIds?: readonly string[];
  /**
   * Topic every alarm notifies (dead-letter queue depth, function errors, failed zones).
   * @default - alarms without actions
   */
  readonly alarmTopic?: ITopic;
  /**
   * Accounts whose VPC endpoints linkdns manages too (an organisation with a central DNS account). Creates a central
   * event bus those accounts may put events on, a rule for their endpoint events, and lets the functions assume
   * `spokeRoleName` in each of them. Deploy {@link PrivateLinkDnsSpoke} in every spoke account.
   * @default - single account
   */
  readonly spokeAccounts?: readonly string[];
  /**
   * Name of the read-only role in each spoke account.
   * @default 'linkdns-endpoint-reader'
   */
  readonly spokeRoleName?: string;
  /**
   * Name of the central event bus (multi-account only).
   * @default 'linkdns-central'
   */
  readonly centralEventBusName?: string;
  /**
   * IAM path of the functions' roles. Spoke roles trust `arn:aws:iam::<central>:role<rolePath>*`.
   * @default '/linkdns/'
   */
  readonly rolePath?: string;
  /**
   * Repair a zone as soon as someone else edits it (Route 53 CloudTrail events). They arrive in us-east-1 only: a
   * stack elsewhere needs a {@link Route53EventForwarder} in us-east-1 (the app adds it).
   * @default true
   */
  readonly zoneEvents?: boolean;
  /**
   * Create an SNS topic for VPC endpoint connection notifications (Accept, Connect, Delete, Reject) as a second
   * trigger of the endpoint function. Point endpoints at it with `aws ec2 create-vpc-endpoint-connection-notification`.
   * The topic is encrypted with a customer-managed key that `vpce.amazonaws.com` may use.
   * @default false
   */
  readonly endpointConnectionNotifications?: boolean;
  /**
   * Client-side Route 53 request rate per second and function instance (`LINKDNS_ROUTE53_RATE`). Synthesis fails if
   * all instances together (reserved concurrency × this) could exceed `route53Share` of the account rate.
   * @default - `route53Share` × 10 requests/s split evenly over every instance of every linkdns function
   */
  readonly route53RequestsPerSecond?: number;
  /**
   * Share of the account's Route 53 rate (10 requests/s) all linkdns functions together may use, by construction.
   * @default 0.5
   */
  readonly route53Share?: number;
  /**
   * Worker instances of the repair (the worker's reserved concurrency; at least 2, the SQS event source's minimum).
   * @default 2
   */
  readonly repairWorkers?: number;
  /**
   * Timeout of a repair worker; each takes a batch it can finish within half of it at its Route 53 rate.
   * @default Duration.minutes(5)
   */
  readonly repairWorkerTimeout?: Duration;
  /**
   * Customer-managed KMS keys that encrypt the notification secrets (SecureString parameters or secrets).
   * @default - none: the AWS-managed keys need no IAM grant
   */
  readonly secretKeys?: readonly IKey[];
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default 512 */
  readonly memorySize?: number;
  /**
   * Timeout of the event-driven functions.
   * @default Duration.minutes(2)
   */
  readonly eventTimeout?: Duration;
  /**
   * Timeout of the scheduled repair.
   * @default Duration.minutes(10)
   */
  readonly repairTimeout?: Duration;
}

/**
 * linkdns on AWS: keeps the private hosted zones of PrivateLink endpoints right.
 *
 * Three functions: `endpointEvents` (EC2 CloudTrail events, optionally endpoint connection notifications),
 * `zoneEvents` (Route 53 CloudTrail events) and `scheduledRepair`. Every asynchronous hop has a dead-letter queue
 * (rule targets: `eventDeliveryDlq`; Lambda async failures: `failedInvocationsDlq`) and alarms watch the queues,
 * the function errors and the `ZonesFailed` metric.
 *
 * @example
 * new PrivateLinkDns(this, 'Linkdns', {
 *   config: {
 *     owner: 'platform-prod',
 *     mappings: [{ service: 'com.amazonaws.vpce.us-east-2.vpce-svc-*', domain: 'pr1jy6.us-east-2.aws.confluent.cloud' }],
 *   },
 *   managedZoneIds: ['Z0123456789ABCDEFGHIJ'],
 * });
 */
export class PrivateLinkDns extends Construct {
  /** The validated configuration, defaults applied. */
  readonly config: LinkdnsConfig;
  readonly configParameter: StringParameter;
  readonly endpointEvents: LinkdnsFunction;
  readonly zoneEvents: LinkdnsFunction;
  /** The repair's coordinator (on the schedule): lists what to check and fills the sweep queue. */
  readonly scheduledRepair: LinkdnsFunction;
  /** The repair's workers: one sweep batch per SQS message. */
  readonly repairWorker: LinkdnsFunction;
  /** Batches of the sweep; a batch that keeps failing goes to `sweepDlq` after 3 receives. */
  readonly sweepQueue: Queue;
  readonly sweepDlq: DeadLetterQueue;
  /** Route 53 requests/s per instance and for the whole deployment. */
  readonly route53Budget: Route53Budget;
  /** Events EventBridge (or SNS) could not deliver to a function. */
  readonly eventDeliveryDlq: DeadLetterQueue;
  /** Invocations that failed after Lambda's async retries. */
  readonly failedInvocationsDlq: DeadLetterQueue;
  readonly endpointEventsRule: Rule;
  readonly zoneEventsRule?: Rule;
  readonly scheduleRule: Rule;
  /** Present with `spokeAccounts`. */
  readonly centralEventBus?: EventBus;
  /** Present with `endpointConnectionNotifications`. */
  readonly connectionNotificationTopic?: Topic;
  readonly repairFailuresAlarm: Alarm;

  private readonly zoneArns: string[];
  private readonly route53ProfilesApi: boolean;
  private readonly recordNamePatterns: string[];
  private readonly secrets: FunctionSecrets;

  constructor(scope: Construct, id: string, props: PrivateLinkDnsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const source = `${this.node.path} config`;
    const storedConfig = mergeDeploymentOptions(props);
    this.config = parseConfig(storedConfig, source);
    if (managedDomains(this.config).length === 0) {
      throw new ConfigError(source, ['mappings, allowedDomains: no domain to manage; add a mapping or allowedDomains']);
    }
    this.secrets = functionSecrets(this.config, source);
    this.recordNamePatterns = managedRecordNamePatterns(this.config);
    const conditionSize = JSON.stringify(this.recordNamePatterns).length;
    if (conditionSize > MAX_RECORD_NAME_CONDITION_CHARS) {
      throw new ConfigError(source, [
        `mappings, allowedDomains, layouts: the record-name condition would take ${conditionSize} characters of the ` +
          `10,240-character IAM policy limit (at most ${MAX_RECORD_NAME_CONDITION_CHARS}); ` +
          'list a common parent domain in allowedDomains instead of many domains',
      ]);
    }
    const managedZoneIds = bareHostedZoneIds(props.managedZoneIds ?? []);
    if (managedZoneIds.length > 0 && this.config.zones.create) {
      throw new ConfigError(source, [
        'managedZoneIds, createZones: exclude each other; zones linkdns creates have no ID at deploy time, so ' +
          'permissions cannot be scoped to a list of zones (the record-name and record-type conditions still apply)',
      ]);
    }
    if (managedZoneIds.length === 0 && !props.allowAnyHostedZone) {
      throw new ConfigError(source, [
        `managedZoneIds: required — the IDs of the private hosted zones linkdns may write${
          this.config.zones.create ? '' : ' (aws route53 list-hosted-zones-by-name)'
        }; or set allowAnyHostedZone: true to let it write in any hosted zone of the account` +
          (this.config.zones.create ? ' (needed with createZones: created zones have no ID at deploy time)' : '') +
          ', still limited to the record names, types and actions linkdns uses',
      ]);
    }
    this.zoneArns = hostedZoneArns(stack, managedZoneIds);
    this.route53ProfilesApi = props.route53ProfilesApi ?? true;
    const repairMode = props.repairMode ?? 'repair';
    const spokeAccounts = [...new Set(props.spokeAccounts ?? [])].sort();
    const spokeRoleName = props.spokeRoleName ?? DEFAULT_SPOKE_ROLE_NAME;
    const alarmTopic = props.alarmTopic;

    const configJson = JSON.stringify(storedConfig);
    this.configParameter = new StringParameter(this, 'Config', {
      description: 'linkdns configuration (JSON, schema functions/core/config.ts)',
      stringValue: configJson,
      tier: configJson.length > 4_096 ? ParameterTier.ADVANCED : ParameterTier.STANDARD,
    });

    this.eventDeliveryDlq = new DeadLetterQueue(this, 'EventDeliveryDlq', {
      holds: 'events EventBridge or SNS could not deliver to a linkdns function',
      ...(alarmTopic ? { alarmTopic } : {}),
    });
    this.failedInvocationsDlq = new DeadLetterQueue(this, 'FailedInvocationsDlq', {
      holds: 'linkdns invocations that failed after Lambda retried them',
      ...(alarmTopic ? { alarmTopic } : {}),
    });

    const workers = Math.max(2, props.repairWorkers ?? 2);
    // endpoint events, zone events and the coordinator: one instance each; the workers: `workers`.
    this.route53Budget = route53Budget({
      instances: 3 + workers,
      ...(props.route53Share === undefined ? {} : { share: props.route53Share }),
      ...(props.route53RequestsPerSecond === undefined ? {} : { perInstance: props.route53RequestsPerSecond }),
    });
    const common = {
      reservedConcurrentExecutions: 1,
      memorySize: props.memorySize ?? 512,
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      onFailure: this.failedInvocationsDlq.queue,
      asyncRetryAttempts: 2,
      maxEventAge: Duration.hours(1),
      rolePath: props.rolePath ?? DEFAULT_ROLE_PATH,
      ...(alarmTopic ? { alarmTopic } : {}),
      environment: {
        LINKDNS_ROUTE53_RATE: String(this.route53Budget.perInstance),
        // Endpoints of other accounts are told apart from home ones by this (see Ec2EndpointSource).
        LINKDNS_ACCOUNT_ID: Stack.of(this).account,
        // Changes with the configuration, so warm functions restart and re-read it after a deployment.
        LINKDNS_CONFIG_VERSION: createHash('sha256').update(configJson).digest('hex').slice(0, 16),
        ...(managedZoneIds.length > 0 ? { LINKDNS_MANAGED_ZONE_IDS: managedZoneIds.join(',') } : {}),
        ...(props.route53ProfilesApi === false ? { LINKDNS_ROUTE53_PROFILES: 'off' } : {}),
        ...profileZoneIdsEnvironment(props.profileZoneIds),
      },
    };
    this.endpointEvents = new LinkdnsFunction(this, 'EndpointEvents', {
      ...common,
      handler: 'endpointEvents',
      description: 'linkdns: reconciles the private zone of a VPC endpoint that was created, changed or deleted',
      timeout: props.eventTimeout ?? Duration.minutes(2),
    });
    this.zoneEvents = new LinkdnsFunction(this, 'ZoneEvents', {
      ...common,
      handler: 'zoneEvents',
      description: 'linkdns: repairs a managed private zone someone else edited',
      timeout: props.eventTimeout ?? Duration.minutes(2),
    });
    this.scheduledRepair = new LinkdnsFunction(this, 'ScheduledRepair', {
      ...common,
      handler: 'repairCoordinator',
      description: `linkdns: scheduled drift ${repairMode === 'repair' ? 'repair' : 'detection'}: lists every managed zone and queues them in batches`,
      timeout: props.repairTimeout ?? Duration.minutes(10),
    });
    this.scheduledRepair.addEnvironment('LINKDNS_REPAIR_MODE', repairMode);
    const workerTimeout = props.repairWorkerTimeout ?? Duration.minutes(5);
    this.repairWorker = new LinkdnsFunction(this, 'RepairWorker', {
      ...common,
      reservedConcurrentExecutions: workers,
      handler: 'repairWorker',
      description: `linkdns: scheduled drift ${repairMode === 'repair' ? 'repair' : 'detection'} of one batch of zones`,
      timeout: workerTimeout,
    });
    this.repairWorker.addEnvironment('LINKDNS_REPAIR_MODE', repairMode);
    this.repairWorker.addEnvironment('LINKDNS_WORKER_TIMEOUT_SECONDS', String(workerTimeout.toSeconds()));
    this.scheduledRepair.addEnvironment('LINKDNS_WORKER_TIMEOUT_SECONDS', String(workerTimeout.toSeconds()));
    this.sweepDlq = new DeadLetterQueue(this, 'SweepDlq', {
      holds: 'repair batches that kept failing (3 receives)',
      ...(alarmTopic ? { alarmTopic } : {}),
    });
    this.sweepQueue = new Queue(this, 'SweepQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS: at least six times the function timeout for an SQS event source, so retries do not overlap.
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.sweepDlq.queue, maxReceiveCount: 3 },
    });
    this.repairWorker.function.addEventSource(
      new SqsEventSource(this.sweepQueue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: workers }),
    );
    // SendMessage and GetQueueAttributes (the coordinator waits for an empty queue before a new sweep).
    this.sweepQueue.grantSendMessages(this.scheduledRepair.role);
    this.scheduledRepair.addEnvironment('LINKDNS_SWEEP_QUEUE_URL', this.sweepQueue.queueUrl);
    // A worker that reaches its share of the timeout sends the zones it did not start back as a batch of their own, and
    // a worker carrying the coordinator's zone or endpoint listing on queues what it listed: SendMessageBatch, which
    // sqs:SendMessage grants ("You cannot set permissions explicitly for SendMessageBatch", Amazon SQS batch actions).
    this.sweepQueue.grant(this.repairWorker.role, 'sqs:SendMessage');
    this.repairWorker.addEnvironment('LINKDNS_SWEEP_QUEUE_URL', this.sweepQueue.queueUrl);
    this.zoneEvents.addEnvironment(
      'LINKDNS_WRITER_ROLE_ARNS',
      [this.endpointEvents, this.zoneEvents, this.scheduledRepair, this.repairWorker]
        .map((fn) => fn.role.roleArn)
        .join(','),
    );

    for (const fn of [this.endpointEvents, this.zoneEvents, this.scheduledRepair, this.repairWorker]) {
      this.bindConfiguration(fn);
      this.bindZoneAccess(fn, {
        // The coordinator only lists; the workers write unless the repair only detects.
        write: fn === this.repairWorker ? repairMode === 'repair' : fn !== this.scheduledRepair,
        createZones: this.config.zones.create,
        anyZone: managedZoneIds.length === 0,
      });
      this.bindFunctionSecrets(fn, props.secretKeys ?? []);
      if (spokeAccounts.length > 0) this.bindSpokeAccounts(fn, spokeAccounts, spokeRoleName);
    }

    const target = (fn: LinkdnsFunction) =>
      new LambdaFunction(fn.function, {
        deadLetterQueue: this.eventDeliveryDlq.queue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(2),
      });
    this.endpointEventsRule = new Rule(this, 'EndpointEventsRule', {
      description: 'linkdns: VPC endpoint created, changed or deleted (CloudTrail)',
      eventPattern: ENDPOINT_EVENT_PATTERN,
      targets: [target(this.endpointEvents)],
    });
    if (props.zoneEvents ?? true) {
      this.zoneEventsRule = new Rule(this, 'ZoneEventsRule', {
        description: 'linkdns: Route 53 zone edited (CloudTrail, delivered in or forwarded from us-east-1)',
        eventPattern: zoneEventPattern(managedZoneIds),
        targets: [target(this.zoneEvents)],
      });
    }
    this.scheduleRule = new Rule(this, 'RepairSchedule', {
      description: `linkdns: scheduled drift ${repairMode === 'repair' ? 'repair' : 'detection'}`,
      schedule: props.schedule ?? Schedule.rate(Duration.minutes(30)),
      targets: [target(this.scheduledRepair)],
    });

    if (spokeAccounts.length > 0) {
      this.centralEventBus = new EventBus(this, 'CentralEventBus', {
        eventBusName: props.centralEventBusName ?? DEFAULT_CENTRAL_EVENT_BUS_NAME,
        description: 'linkdns: VPC endpoint events forwarded from spoke accounts',
      });
      this.centralEventBus.addToResourcePolicy(
        new PolicyStatement({
          sid: 'SpokeAccountsPutEndpointEvents',
          principals: spokeAccounts.map((account) => new AccountPrincipal(account)),
          actions: ['events:PutEvents'],
          resources: [this.centralEventBus.eventBusArn],
        }),
      );
      new Rule(this, 'SpokeEndpointEventsRule', {
        description: 'linkdns: VPC endpoint created, changed or deleted in a spoke account',
        eventBus: this.centralEventBus,
        eventPattern: { ...ENDPOINT_EVENT_PATTERN, account: spokeAccounts },
        targets: [target(this.endpointEvents)],
      });
    }

    if (props.endpointConnectionNotifications) {
      this.connectionNotificationTopic = this.createConnectionNotificationTopic();
    }

    this.repairFailuresAlarm = new Alarm(this, 'RepairFailuresAlarm', {
      alarmDescription:
        'linkdns: at least one zone could not be reconciled (metric linkdns/ZonesFailed). The function logs name the ' +
        'zone and the error.',
      metric: new Metric({
        namespace: 'linkdns',
        metricName: 'ZonesFailed',
        dimensionsMap: { service: 'linkdns' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (alarmTopic) this.repairFailuresAlarm.addAlarmAction(new SnsAction(alarmTopic));
  }

  /** Every alarm this construct created. */
  get alarms(): Alarm[] {
    return [
      this.eventDeliveryDlq.alarm,
      this.failedInvocationsDlq.alarm,
      this.endpointEvents.errorsAlarm,
      this.zoneEvents.errorsAlarm,
      this.scheduledRepair.errorsAlarm,
      this.repairFailuresAlarm,
    ];
  }

  private bindConfiguration(fn: LinkdnsFunction): void {
    fn.addEnvironment('LINKDNS_CONFIG_PARAMETER', this.configParameter.parameterName);
    fn.addToRolePolicy(readConfigurationStatement(this.configParameter.parameterArn));
  }

  private bindZoneAccess(
    fn: LinkdnsFunction,
    access: { write: boolean; createZones: boolean; anyZone: boolean },
  ): void {
    const stack = Stack.of(this);
    fn.addToRolePolicy(readEndpointsStatement(), findZonesStatement(), readZonesStatement(this.zoneArns));
    if (this.route53ProfilesApi) {
      const [associations, zones] = findProfileZonesStatements(stack);
      fn.addToRolePolicy(...[associations, zones].filter((statement) => statement !== undefined));
      acknowledgeWildcardResource(fn, zones?.resources[0] ?? '', PROFILES_LOOKUP_REASON);
    }
    acknowledgeWildcardResource(
      fn,
      '*',
      `${EC2_DESCRIBE_REASON} ${ZONE_LOOKUP_REASON}${this.route53ProfilesApi ? ` ${PROFILES_LOOKUP_REASON}` : ''}`,
    );
    if (access.write) {
      fn.addToRolePolicy(writeRecordsStatement(this.zoneArns, this.recordNamePatterns));
      if (access.createZones) fn.addToRolePolicy(...createZonesStatements(stack));
    }
    if (access.anyZone) {
      const reason =
        access.write && access.createZones ? `${ANY_ZONE_REASON} ${ZONE_CREATION_REASON}` : ANY_ZONE_REASON;
      acknowledgeWildcardResource(fn, this.zoneArns[0] ?? '', reason);
    }
  }

  private bindFunctionSecrets(fn: LinkdnsFunction, keys: readonly IKey[]): void {
    fn.addToRolePolicy(...readFunctionSecretsStatements(Stack.of(this), this.secrets));
    if (keys.length > 0) {
      fn.addToRolePolicy(
        decryptSecretsStatement(
          Stack.of(this),
          keys.map((key) => key.keyArn),
        ),
      );
    }
  }

  private bindSpokeAccounts(fn: LinkdnsFunction, accounts: readonly string[], roleName: string): void {
    fn.addEnvironment('LINKDNS_ASSUME_ROLE_NAME', roleName);
    fn.addEnvironment('LINKDNS_SPOKE_ACCOUNTS', accounts.join(','));
    fn.addToRolePolicy(assumeSpokeRoleStatement(Stack.of(this), accounts, roleName));
  }

  private createConnectionNotificationTopic(): Topic {
    const key = new Key(this, 'ConnectionNotificationKey', {
      description: 'linkdns: encrypts VPC endpoint connection notifications',
      enableKeyRotation: true,
    });
    const vpce = new ServicePrincipal('vpce.amazonaws.com');
    key.grant(vpce, 'kms:GenerateDataKey*', 'kms:Decrypt');
    const topic = new Topic(this, 'ConnectionNotifications', {
      displayName: 'linkdns VPC endpoint connection notifications',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'VpcEndpointServicePublishes',
        principals: [vpce],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    topic.addSubscription(
      new LambdaSubscription(this.endpointEvents.function, { deadLetterQueue: this.eventDeliveryDlq.queue }),
    );
    return topic;
  }
}

/** The configuration as stored: the deployment options that change behaviour and IAM alike are written into it. */
function mergeDeploymentOptions(props: PrivateLinkDnsProps): LinkdnsConfigInput {
  const zones = props.config.zones ?? {};
  const extraNetworks = [...new Set([...(zones.extraNetworks ?? []), ...(props.extraVpcIds ?? [])])];
  return {
    ...props.config,
    zones: { ...zones, create: props.createZones ?? zones.create ?? false, extraNetworks },
  };
}

/**
 * `LINKDNS_PROFILE_ZONE_IDS` (`vpc-1=Z1|Z2,…`) from the construct's `profileZoneIds`, checked at synthesis.
 * @throws Error naming the VPC or zone ID that is not one
 */
function profileZoneIdsEnvironment(zoneIdsByVpc: Readonly<Record<string, readonly string[]>> | undefined): {
  LINKDNS_PROFILE_ZONE_IDS?: string;
} {
  const entries = Object.entries(zoneIdsByVpc ?? {}).filter(([, ids]) => ids.length > 0);
  if (entries.length === 0) return {};
  const value = entries.map(([vpc, ids]) => `${vpc}=${bareHostedZoneIds(ids).join('|')}`).join(',');
  parseProfileZoneIds(value);
  return { LINKDNS_PROFILE_ZONE_IDS: value };
}
