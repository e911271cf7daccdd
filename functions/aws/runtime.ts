import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beginRun, confluentRunConfig, type RunConfigSource } from '../confluent/run-config.ts';
import { type LinkdnsConfig, parseConfig } from '../core/config.ts';
import { endpointSelector, sourceNarrowing } from '../core/endpoint-selection.ts';
import { InvalidInputError, LinkdnsError } from '../core/errors.ts';
import type { ChangeLog, Notifier } from '../core/ports.ts';
import { type ReconcileDeps, type ReconcileOptions, zoneStartCutoff } from '../core/reconcile.ts';
import type { RunReport, Trigger } from '../core/report.ts';
import { retryableFailure } from '../invocation.ts';
import { createNotifier, type NotifierDeps } from '../notify/notifier.ts';
import { awsSecretResolver, type SecretResolver } from '../notify/secrets.ts';
import { DEFAULT_REQUEST_TIMEOUTS, type RequestTimeouts } from '../request-timeouts.ts';
import { Ec2EndpointSource } from './ec2-endpoint-source.ts';
import {
  ConfiguredProfileZones,
  combinedProfileZones,
  type ProfileZoneSource,
  Route53ProfilesApi,
} from './route53-profiles.ts';
import { Route53Zones } from './route53-zones.ts';
import { publishRunMetrics } from './run-metrics.ts';
import type { AwsSettings } from './settings.ts';

/** Everything an AWS handler needs, built once per cold start from the settings. */
export interface AwsRuntime {
  readonly settings: AwsSettings;
  readonly config: LinkdnsConfig;
  readonly deps: ReconcileDeps;
  readonly route53: Route53Client;
  /** The repair's fan-out queue client (used by the coordinator). */
  readonly sqs: SQSClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly notifier: Notifier;
  /** The configuration each run uses: `config` plus the mappings discovered from Confluent Cloud, when configured. */
  readonly runConfig: RunConfigSource;
}

export interface AwsRuntimeOptions {
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Static credentials, for the local AWS; the default credential chain otherwise. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Replaces the notifier built from the configuration's destinations. */
  readonly notifier?: Notifier;
  /** Where notification secrets come from. Default: SSM Parameter Store / Secrets Manager via Powertools. */
  readonly secrets?: SecretResolver;
  /** Notification delivery settings (tests shorten the backoff). */
  readonly delivery?: NotifierDeps['delivery'];
  /** How notification hosts are resolved (tests play a failing resolver). Default: the system's. */
  readonly lookup?: NotifierDeps['lookup'];
  /** Where the core's one-line-per-change log goes; default: the Powertools logger. The CLI prints to stderr. */
  readonly changeLog?: ChangeLog;
  /** The configuration per run; default: {@link confluentRunConfig} over the configuration (the CLI passes its own). */
  readonly runConfig?: (config: LinkdnsConfig, secrets: SecretResolver) => RunConfigSource;
  /** Overrides for the Route 53 adapter (tests use short backoffs). */
  readonly route53Options?: Partial<ConstructorParameters<typeof Route53Zones>[1]>;
}

export async function createAwsRuntime(settings: AwsSettings, options: AwsRuntimeOptions = {}): Promise<AwsRuntime> {
  const logger = options.logger ?? new Logger({ serviceName: 'linkdns' });
  const metrics = options.metrics ?? new Metrics({ namespace: 'linkdns', serviceName: 'linkdns' });
  const clientOptions = {
    ...(settings.LINKDNS_AWS_ENDPOINT ? { endpoint: settings.LINKDNS_AWS_ENDPOINT } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: awsRequestHandler({
      connectMs: settings.LINKDNS_CONNECT_TIMEOUT_MS ?? DEFAULT_REQUEST_TIMEOUTS.connectMs,
      requestMs: settings.LINKDNS_REQUEST_TIMEOUT_MS ?? DEFAULT_REQUEST_TIMEOUTS.requestMs,
    }),
  };
  const config = await loadConfig(settings, new SSMClient({ region: settings.AWS_REGION, ...clientOptions }));
  // Route 53 is a global service whose control plane lives in us-east-1.
  // One attempt per SDK call: the adapter's own backoff is the only retry loop, so its rate limiter counts every request.
  const route53 = new Route53Client({ region: 'us-east-1', maxAttempts: 1, ...clientOptions });
  const ec2 = new EC2Client({ region: settings.AWS_REGION, ...clientOptions });
  const dns = new Route53Zones(route53, {
    region: settings.AWS_REGION,
    owner: config.owner,
    extraVpcs: config.zones.extraNetworks,
    requestsPerSecond: settings.LINKDNS_ROUTE53_RATE,
    managedZoneIds: settings.LINKDNS_MANAGED_ZONE_IDS,
    zoneLookupTtlMs: settings.LINKDNS_ZONE_LOOKUP_TTL_SECONDS * 1000,
    ...profileZonesOption(settings, route53),
    ...options.route53Options,
  });
  const log = options.changeLog ?? changeLogOf(logger);
  const secrets =
    options.secrets ??
    awsSecretResolver({ env: process.env, clientConfig: { requestHandler: clientOptions.requestHandler } });
  // One source per cold start: its discovery cache serves the warm invocations.
  const runConfig =
    options.runConfig?.(config, secrets) ??
    confluentRunConfig(config, { secrets, endpoint: settings.LINKDNS_CONFLUENT_ENDPOINT, log });
  // Only endpoints a mapping (or allowed tag) selects are listed by EC2 where its filters allow, and read deeply.
  const endpoints = new Ec2EndpointSource(ec2, {
    // The run's mappings, discovered ones included: each run starts with `runConfig.forRun`.
    narrowing: () => sourceNarrowing(runConfig.current(), 'aws'),
    select: (endpoint) => endpointSelector(runConfig.current())(endpoint),
    ...(settings.LINKDNS_ACCOUNT_ID ? { accountId: settings.LINKDNS_ACCOUNT_ID } : {}),
    spokeAccounts: settings.LINKDNS_SPOKE_ACCOUNTS,
    region: settings.AWS_REGION,
    ...(settings.LINKDNS_ASSUME_ROLE_NAME
      ? { clientForAccount: crossAccountEc2(settings, settings.LINKDNS_ASSUME_ROLE_NAME, clientOptions) }
      : {}),
  });
  const notifier =
    options.notifier ??
    createNotifier(config.notifications, {
      secrets,
      log,
      metrics: { count: (name, value) => metrics.addMetric(name, MetricUnit.Count, value) },
      ...(options.delivery ? { delivery: options.delivery } : {}),
      ...(options.lookup ? { lookup: options.lookup } : {}),
    });
  const sqs = new SQSClient({ region: settings.AWS_REGION, ...clientOptions });
  return {
    settings,
    config,
    route53,
    sqs,
    logger,
    metrics,
    notifier,
    deps: { dns, endpoints, config, log, now: () => new Date() },
    runConfig,
  };
}

/**
 * Where zones seen through Route 53 Profiles come from: the Profiles API (through the Route 53 client's request handler
 * and credentials, so the same timeouts apply) and/or the configured zone ids per VPC.
 */
function profileZonesOption(settings: AwsSettings, route53: Route53Client): { profileZones?: ProfileZoneSource } {
  const sources: ProfileZoneSource[] = [];
  if (settings.LINKDNS_ROUTE53_PROFILES === 'api') {
    sources.push(
      new Route53ProfilesApi({
        requestHandler: route53.config.requestHandler as ConstructorParameters<
          typeof Route53ProfilesApi
        >[0]['requestHandler'],
        credentials: route53.config.credentials,
        ...(settings.LINKDNS_AWS_ENDPOINT ? { endpoint: settings.LINKDNS_AWS_ENDPOINT } : {}),
      }),
    );
  }
  if (settings.LINKDNS_PROFILE_ZONE_IDS.size > 0)
    sources.push(new ConfiguredProfileZones(settings.LINKDNS_PROFILE_ZONE_IDS));
  return sources.length > 0 ? { profileZones: combinedProfileZones(sources) } : {};
}

/**
 * Starts one run: the runtime with this run's configuration (typed + discovered mappings), and `finish` to add the
 * discovery summary to its report; or, when discovery failed, the failed report to finish the invocation with.
 */
export async function beginAwsRun(
  runtime: AwsRuntime,
  trigger: Trigger,
  signal?: AbortSignal,
): Promise<{ runtime: AwsRuntime; finish: (report: RunReport) => RunReport } | { failed: RunReport }> {
  const start = await beginRun(runtime.runConfig, trigger, { now: runtime.deps.now, log: runtime.deps.log }, signal);
  if ('failed' in start) return start;
  const config = start.config;
  return { runtime: { ...runtime, config, deps: { ...runtime.deps, config } }, finish: start.finish };
}

/**
 * The SDK's Node HTTP handler options for {@link RequestTimeouts}. `throwOnRequestTimeout` turns the request timeout
 * into a `TimeoutError` (without it the handler only logs a warning and keeps waiting), which the Route 53 retry loop
 * and the SDK's standard retries treat as a dropped connection.
 */
export function awsRequestHandler(timeouts: RequestTimeouts): {
  connectionTimeout: number;
  requestTimeout: number;
  throwOnRequestTimeout: true;
} {
  return { connectionTimeout: timeouts.connectMs, requestTimeout: timeouts.requestMs, throwOnRequestTimeout: true };
}

async function loadConfig(settings: AwsSettings, ssm: SSMClient): Promise<LinkdnsConfig> {
  if (settings.LINKDNS_CONFIG !== undefined) return parseConfig(settings.LINKDNS_CONFIG, 'LINKDNS_CONFIG');
  const name = settings.LINKDNS_CONFIG_PARAMETER as string;
  const result = await ssm.send(new GetParameterCommand({ Name: name }));
  return parseConfig(result.Parameter?.Value ?? '', `SSM parameter ${name}`);
}

/**
 * EC2 clients for endpoints in other accounts of an organisation: assume the spoke role (infra's
 * `PrivateLinkDnsSpoke`) by name in the event's account. Credentials are cached until shortly before expiry.
 */
function crossAccountEc2(
  settings: AwsSettings,
  roleName: string,
  clientOptions: { endpoint?: string; requestHandler: ReturnType<typeof awsRequestHandler> },
): (account: string) => EC2Client {
  const sts = new STSClient({ region: settings.AWS_REGION, ...clientOptions });
  const clients = new Map<string, EC2Client>();
  return (account) => {
    const cached = clients.get(account);
    if (cached) return cached;
    const client = new EC2Client({
      region: settings.AWS_REGION,
      ...clientOptions,
      credentials: async () => {
        const { Credentials } = await sts.send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${roleName}`, RoleSessionName: 'linkdns' }),
        );
        if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) {
          throw new LinkdnsError(`AssumeRole into ${account} returned no credentials`, { retryable: true });
        }
        return {
          accessKeyId: Credentials.AccessKeyId,
          secretAccessKey: Credentials.SecretAccessKey,
          ...(Credentials.SessionToken ? { sessionToken: Credentials.SessionToken } : {}),
          ...(Credentials.Expiration ? { expiration: Credentials.Expiration } : {}),
        };
      },
    });
    clients.set(account, client);
    return client;
  };
}

/**
 * Ends a run: one log line with the summary, metrics, one notification. Throws {@link RetryableRunError} when a zone
 * failed for a reason a retry may fix, so the platform retries; the notification has been sent by then.
 */
export async function finishRun(runtime: AwsRuntime, report: RunReport, signal?: AbortSignal): Promise<RunReport> {
  publishRunMetrics(runtime.metrics, report);
  runtime.logger.info('run finished', { trigger: report.trigger, dryRun: report.dryRun, zones: report.zones });
  await runtime.notifier.notify(report, signal);
  const failure = retryableFailure(report);
  if (failure) throw failure;
  return report;
}

/**
 * The options every handler passes the core: the abort signal middy gives it, and the instant after which no new zone
 * is started, from Lambda's `context.getRemainingTimeInMillis()` (read once the runtime is ready).
 */
export function invocationOptions(
  runtime: AwsRuntime,
  signal: AbortSignal | undefined,
  remainingTimeMs: number | undefined,
): Pick<ReconcileOptions, 'signal' | 'startZonesBefore'> {
  return {
    ...(signal ? { signal } : {}),
    ...(remainingTimeMs === undefined
      ? {}
      : { startZonesBefore: zoneStartCutoff(runtime.deps.now(), remainingTimeMs) }),
  };
}

/** Rejected input is logged and counted, not retried: the same event would fail the same way. */
export function rejectEvent(runtime: AwsRuntime, error: unknown): { rejected: string } {
  if (!(error instanceof InvalidInputError)) throw error;
  const message = error instanceof Error ? error.message : String(error);
  runtime.logger.error('event rejected', { error: message });
  runtime.metrics.addMetric('EventsRejected', MetricUnit.Count, 1);
  return { rejected: message };
}

/** The core's change log on top of the Powertools logger: one structured line per change. */
export function changeLogOf(logger: Logger): ChangeLog {
  return {
    debug: (message, attributes) => logger.debug(message, { ...attributes }),
    info: (message, attributes) => logger.info(message, { ...attributes }),
    warn: (message, attributes) => logger.warn(message, { ...attributes }),
    error: (message, attributes) => logger.error(message, { ...attributes }),
  };
}
