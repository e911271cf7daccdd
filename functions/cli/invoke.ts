import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import azureFunctions, { type InvocationContext } from '@azure/functions';
import { DefaultAzureCredential } from '@azure/identity';
import { rawCloudTrailProblem } from '../aws/cloudtrail-events.ts';
import { handleEndpointEvent } from '../aws/handlers/endpoint-events.ts';
import { handleScheduledRepair } from '../aws/handlers/scheduled-repair.ts';
import { handleZoneEvent } from '../aws/handlers/zone-events.ts';
import { type AwsRuntime, createAwsRuntime } from '../aws/runtime.ts';
import { readAwsSettings } from '../aws/settings.ts';
import { createAzureAdapters } from '../azure/adapters.ts';
import { createAzureHandlers } from '../azure/handlers.ts';
import { type AzureSettings, readAzureSettings } from '../azure/settings.ts';
import type { RunConfigSource } from '../confluent/run-config.ts';
import { parseConfig } from '../core/config.ts';
import { InvalidInputError, isLinkdnsError } from '../core/errors.ts';
import { compareRecords, type RecordSet, recordKey } from '../core/model.ts';
import type { Changes } from '../core/plan.ts';
import type { ChangeLog, DnsProvider, EndpointSource, Notifier, ZoneRef } from '../core/ports.ts';
import { isRegistryRecord, registryName } from '../core/registry.ts';
import { type RunReport, summarizeRun } from '../core/report.ts';
import { createGcpHandlers, type GcpHandlerDeps, type GcpHandlers } from '../gcp/handlers.ts';
import type { InvocationResult } from '../invocation.ts';
import { createNotifier } from '../notify/notifier.ts';
import { envSecretResolver } from '../notify/secrets.ts';
import { openGcp } from './cloud-gcp.ts';
import type { CommandResult } from './command.ts';
import { formatRecordTable } from './format.ts';
import { readInputJson, readInputText } from './input-files.ts';
import { jsonDocument } from './json-output.ts';
import { formatRunReport, paletteFor } from './plan-output.ts';
import { INVOKE_USAGE } from './usage.ts';

/** Which handler an event file is for. */
export type EventRoute =
  | { readonly cloud: 'aws'; readonly handler: AwsHandlerName; readonly event: unknown }
  | { readonly cloud: 'azure'; readonly invocations: readonly AzureInvocation[] }
  | { readonly cloud: 'gcp'; readonly handler: GcpHandlerName; readonly event: unknown };

/** The AWS Lambda handlers, by the name of their module in functions/aws/handlers/. */
export type AwsHandlerName = 'endpoint-events' | 'zone-events' | 'scheduled-repair';

/**
 * The Google Cloud Functions an event file can be run through, by their entry-point names (functions/gcp/settings.ts
 * GCP_FUNCTION_NAMES); not the sweep's coordinator and worker, which need a topic.
 */
export type GcpHandlerName = Exclude<keyof GcpHandlers, 'repairCoordinator' | 'repairWorker'>;

/** An Event Grid event and the Azure Function that takes it. */
export interface AzureInvocation {
  readonly handler: 'privateEndpointEvents' | 'privateDnsRecordEvents';
  readonly event: unknown;
}

const EXPECTED_EVENTS =
  'expected an EventBridge event (source aws.ec2 or aws.route53, or detail-type "Scheduled Event"), an SNS ' +
  'notification (Records[].EventSource aws:sns), an Azure Event Grid event (eventType) or CloudEvent ' +
  '(specversion, type), an array of Event Grid events, or a Google CloudEvent (specversion, type google.*: an ' +
  'Eventarc audit-log entry or a Pub/Sub message of the repair schedule)';

/**
 * Routes an event to the function that takes it in the cloud. Only the envelope is looked at: the handler validates the
 * rest and rejects what it cannot use, exactly as it would in Lambda or Azure Functions.
 *
 * @throws InvalidInputError when no linkdns function takes events of this shape
 */
export function routeEvent(event: unknown, source = 'the event'): EventRoute {
  if (Array.isArray(event)) {
    if (event.length === 0) throw new InvalidInputError(`${source}: an empty array holds no event`);
    return {
      cloud: 'azure',
      invocations: event.map((item, index) => {
        if (isGoogleEvent(item)) {
          throw new InvalidInputError(
            `${source}[${index}] is a Google CloudEvent: Eventarc delivers one per request, give one per file`,
          );
        }
        const rawItem = rawCloudTrailProblem(item);
        if (rawItem) throw new InvalidInputError(`${source}[${index}]: ${rawItem}`);
        if (!isAzureEvent(item)) {
          throw new InvalidInputError(
            `${source}[${index}] is not an Event Grid event or CloudEvent; ${EXPECTED_EVENTS}`,
          );
        }
        return azureInvocation(item);
      }),
    };
  }
  const rawCloudTrail = rawCloudTrailProblem(event);
  if (rawCloudTrail) throw new InvalidInputError(`${source}: ${rawCloudTrail}`);
  if (event && typeof event === 'object') {
    const envelope = event as Record<string, unknown>;
    const records = envelope.Records;
    if (
      Array.isArray(records) &&
      records.some((record) => (record as { EventSource?: unknown } | null)?.EventSource === 'aws:sns')
    ) {
      return { cloud: 'aws', handler: 'endpoint-events', event };
    }
    if (envelope.source === 'aws.ec2') return { cloud: 'aws', handler: 'endpoint-events', event };
    if (envelope.source === 'aws.route53') return { cloud: 'aws', handler: 'zone-events', event };
    if (envelope['detail-type'] === 'Scheduled Event') return { cloud: 'aws', handler: 'scheduled-repair', event };
    if (isGoogleEvent(event)) return { cloud: 'gcp', handler: gcpHandlerFor(event), event };
    if (isAzureEvent(event)) return { cloud: 'azure', invocations: [azureInvocation(event)] };
  }
  throw new InvalidInputError(`${source} is not an event linkdns handles: ${EXPECTED_EVENTS}`);
}

function isAzureEvent(event: unknown): event is Record<string, unknown> {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return false;
  // A CloudTrail record has an eventType too (`AwsApiCall`): it must never reach an Azure function.
  if (rawCloudTrailProblem(event)) return false;
  const { eventType, specversion, type } = event as Record<string, unknown>;
  return typeof eventType === 'string' || (typeof specversion === 'string' && typeof type === 'string');
}

/** A CloudEvent from Google (Eventarc): `type` is `google.…`. Azure CloudEvents have `Microsoft.…` types. */
function isGoogleEvent(event: unknown): event is Record<string, unknown> {
  if (!event || typeof event !== 'object' || Array.isArray(event)) return false;
  const { specversion, type } = event as Record<string, unknown>;
  return typeof specversion === 'string' && typeof type === 'string' && /^google\./i.test(type);
}

/**
 * Pub/Sub messages and Cloud Scheduler jobs go to the scheduled repair; audit-log entries of Cloud DNS to the zone
 * function (the service from the LogEntry, or the `servicename` extension Eventarc adds); everything else to the
 * forwarding-rule function, which ignores what is not its and rejects what is malformed.
 */
function gcpHandlerFor(event: Record<string, unknown>): GcpHandlerName {
  const type = String(event.type).toLowerCase();
  if (type.startsWith('google.cloud.pubsub.') || type.startsWith('google.cloud.scheduler.')) return 'scheduledRepair';
  const data = event.data as { protoPayload?: { serviceName?: unknown } } | undefined;
  const service = data?.protoPayload?.serviceName ?? event.servicename;
  return typeof service === 'string' && service.toLowerCase() === 'dns.googleapis.com'
    ? 'cloudDnsRecordEvents'
    : 'forwardingRuleEvents';
}

/** Record-set operations go to the zone function; everything else to the endpoint function, which ignores what is not its. */
function azureInvocation(event: Record<string, unknown>): AzureInvocation {
  const operation = (event.data as { operationName?: unknown } | undefined)?.operationName;
  const zoneEvent = typeof operation === 'string' && /^microsoft\.network\/privatednszones\//i.test(operation);
  return { handler: zoneEvent ? 'privateDnsRecordEvents' : 'privateEndpointEvents', event };
}

/** Zone id a dry run reports for a zone the handler would create (`zones.create`). */
export const ZONE_TO_BE_CREATED = 'to be created';

/**
 * A DNS provider for dry runs: reads go to the cloud, changes are kept in memory and shown to later reads of the same
 * zone. A handler runs against it unchanged — plan, apply, verify — and nothing is written. A zone the handler would
 * create is not created: it is planned as an empty zone with the id {@link ZONE_TO_BE_CREATED}.
 */
export function dryRunDns(dns: DnsProvider): DnsProvider {
  const staged = new Map<string, Changes[]>();
  const key = (zone: ZoneRef) => `${zone.id} ${zone.domain}`;
  return {
    async findZone(domain, scope, options) {
      const found = await dns.findZone(domain, scope, { ...options, create: false });
      return found ?? (options.create ? { id: ZONE_TO_BE_CREATED, domain } : undefined);
    },
    listZones: (domains, signal) => dns.listZones(domains, signal),
    async readRecords(zone, signal) {
      const current = zone.id === ZONE_TO_BE_CREATED ? [] : await dns.readRecords(zone, signal);
      const records = new Map(current.map((record) => [recordKey(record), record]));
      for (const changes of staged.get(key(zone)) ?? []) {
        for (const record of changes.delete) records.delete(recordKey(record));
        for (const update of changes.update) {
          records.delete(recordKey(update.old));
          records.set(recordKey(update.new), update.new);
        }
        for (const record of changes.create) records.set(recordKey(record), record);
      }
      return [...records.values()].sort(compareRecords);
    },
    async applyChanges(zone, changes) {
      staged.set(key(zone), [...(staged.get(key(zone)) ?? []), changes]);
    },
  };
}

/** A dry run's report: what the handler "applied" to the in-memory view is drift, as `linkdns plan` reports it. */
export function asDryRunReport(report: RunReport): RunReport {
  return {
    ...report,
    dryRun: true,
    zones: report.zones.map((zone) => (zone.outcome === 'changed' ? { ...zone, outcome: 'drift' as const } : zone)),
  };
}

/** What one function invocation did. */
export type InvocationOutcome =
  | { readonly outcome: 'reconciled'; readonly report: RunReport }
  | { readonly outcome: 'ignored'; readonly reason: string }
  | { readonly outcome: 'rejected'; readonly reason: string };

const silentNotifier: Notifier = { notify: async () => {} };

/** Runs the AWS Lambda handler for an event with a runtime (dry run: the DNS writes stay in memory, nobody is told). */
export async function invokeAwsHandler(
  handler: AwsHandlerName,
  event: unknown,
  runtime: AwsRuntime,
  options: { dryRun?: boolean; signal?: AbortSignal } = {},
): Promise<InvocationOutcome> {
  const effective = options.dryRun
    ? { ...runtime, deps: { ...runtime.deps, dns: dryRunDns(runtime.deps.dns) }, notifier: silentNotifier }
    : runtime;
  const result =
    handler === 'endpoint-events'
      ? await handleEndpointEvent(event, effective, options.signal)
      : handler === 'zone-events'
        ? await handleZoneEvent(event, effective, options.signal)
        : await handleScheduledRepair(event as { id?: string; time?: string }, effective, options.signal);
  if ('rejected' in result) return { outcome: 'rejected', reason: result.rejected };
  if ('ignored' in result) return { outcome: 'ignored', reason: result.ignored };
  return { outcome: 'reconciled', report: options.dryRun ? asDryRunReport(result) : result };
}

export interface GcpFunctionsSetup {
  readonly endpoints: EndpointSource;
  readonly dns: DnsProvider;
  readonly settings: GcpHandlerDeps['settings'];
  readonly notifier?: Notifier;
  /** Mappings discovered per run (Confluent Cloud), as the deployed functions load them. */
  readonly runConfig?: RunConfigSource;
}

const silentLog: ChangeLog = { info() {}, warn() {}, error() {} };

/**
 * Runs a Google Cloud Function for a CloudEvent, as the Functions Framework would call it. Retryable failures are
 * thrown, as in Google Cloud (where Eventarc redelivers).
 *
 * @param options.log where the function's log lines go; default: nowhere (the deployed default, JSON lines on stdout,
 *   would mix with the CLI's output)
 */
export async function invokeGcpFunction(
  handler: GcpHandlerName,
  event: unknown,
  setup: GcpFunctionsSetup,
  options: { dryRun?: boolean; log?: ChangeLog } = {},
): Promise<InvocationOutcome> {
  const handlers = createGcpHandlers({
    endpoints: setup.endpoints,
    dns: options.dryRun ? dryRunDns(setup.dns) : setup.dns,
    settings: setup.settings,
    log: options.log ?? silentLog,
    ...(setup.notifier && !options.dryRun ? { notifier: setup.notifier } : {}),
    ...(setup.runConfig ? { runConfig: setup.runConfig } : {}),
  });
  return outcomeOf(await handlers[handler](event), options.dryRun);
}

/** An Azure or Google function's result as the CLI reports it (a dry run's changes as drift). */
function outcomeOf(result: InvocationResult, dryRun = false): InvocationOutcome {
  if (result.outcome === 'ignored') return { outcome: 'ignored', reason: result.reason };
  if (result.outcome === 'rejected') {
    return { outcome: 'rejected', reason: `${result.error.name}: ${result.error.message}` };
  }
  return { outcome: 'reconciled', report: dryRun ? asDryRunReport(result.report) : result.report };
}

export interface AzureFunctionsSetup {
  readonly endpoints: EndpointSource;
  readonly dns: DnsProvider;
  readonly settings: AzureSettings;
  readonly notifier?: Notifier;
  /** Mappings discovered per run (Confluent Cloud), as the deployed functions load them. */
  readonly runConfig?: RunConfigSource;
}

/** Runs the Azure Functions for a batch of Event Grid events, one invocation per event as the Functions host does. */
export async function invokeAzureFunctions(
  invocations: readonly AzureInvocation[],
  setup: AzureFunctionsSetup,
  options: { dryRun?: boolean; log?: ChangeLog } = {},
): Promise<InvocationOutcome[]> {
  const handlers = createAzureHandlers({
    endpoints: setup.endpoints,
    dns: options.dryRun ? dryRunDns(setup.dns) : setup.dns,
    settings: setup.settings,
    ...(setup.notifier && !options.dryRun ? { notifier: setup.notifier } : {}),
    ...(setup.runConfig ? { runConfig: setup.runConfig } : {}),
  });
  const outcomes: InvocationOutcome[] = [];
  for (const [index, { handler, event }] of invocations.entries()) {
    const context = invocationContext(handler, `linkdns-invoke-${index}`, options.log);
    outcomes.push(outcomeOf(await handlers[handler](event, context), options.dryRun));
  }
  return outcomes;
}

/** An invocation context whose warnings and errors go to `log`; the host's info lines are dropped. */
export function invocationContext(functionName: string, invocationId: string, log?: ChangeLog): InvocationContext {
  // A CommonJS package: Node's ESM loader cannot see its named exports, so the class comes from the default export.
  return new azureFunctions.InvocationContext({
    invocationId,
    functionName,
    logHandler: (level, ...args) => {
      if (!log || (level !== 'warning' && level !== 'error')) return;
      const [message, ...rest] = args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)));
      (level === 'error' ? log.error : log.warn)(`${message ?? ''}${rest.length ? ` ${rest.join(' ')}` : ''}`);
    },
  });
}

/** Collects warnings and errors as lines for stderr (stdout stays for the report); info lines are dropped. */
function warningsTo(lines: string[]): ChangeLog {
  const attributes = (extra?: Record<string, unknown>) =>
    extra && Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
  return {
    info() {},
    warn: (message, extra) => lines.push(`warning: ${message}${attributes(extra)}`),
    error: (message, extra) => lines.push(`error: ${message}${attributes(extra)}`),
  };
}

interface InvokeFlags {
  readonly local: boolean;
  readonly dryRun: boolean;
  readonly config?: string | undefined;
  readonly region?: string | undefined;
  readonly subscription?: string | undefined;
  readonly resourceGroup?: string | undefined;
  readonly project?: string | undefined;
}

/** What a run produced, before it is written out. */
interface InvokeRun {
  readonly title: string;
  readonly outcomes: readonly InvocationOutcome[];
  /** Lines for stderr: what the local cloud was seeded with, API calls, warnings. */
  readonly notes: readonly string[];
  /** The zone after the run, shown in text mode for local runs. */
  readonly zone?: { readonly domain: string; readonly records: readonly RecordSet[] };
}

/**
 * `linkdns invoke`: runs the function that takes an event file, like `sam local invoke`. With `--local` the local
 * clouds are started and seeded with the demo scenario (local/demo-scenario.ts, local/gcp/scenario.ts) and made the
 * world the event describes; otherwise the configured cloud is used with the SDK's standard credential chain (Google:
 * Application Default Credentials, `--project`/`--region` or the `LINKDNS_GCP_*` variables), and the function notifies
 * as configured. `--dry-run` runs the same function with writes kept in memory and no notification.
 */
export async function invokeCommand(argv: readonly string[]): Promise<CommandResult> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      local: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      config: { type: 'string' },
      region: { type: 'string' },
      subscription: { type: 'string' },
      'resource-group': { type: 'string' },
      project: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) {
    throw new InvalidInputError(`give exactly one event file\n\n${INVOKE_USAGE}`);
  }
  const route = routeEvent(await readInputJson(file), file);
  const flags: InvokeFlags = {
    local: values.local,
    dryRun: values['dry-run'],
    config: values.config,
    region: values.region,
    subscription: values.subscription,
    resourceGroup: values['resource-group'],
    project: values.project,
  };
  let run: InvokeRun;
  try {
    run = flags.local ? await invokeLocally(route, flags) : await invokeInCloud(route, flags);
  } catch (error) {
    if (isLinkdnsError(error)) throw error;
    // SDK errors (no credentials, access denied, …) are expected here: say what failed without a stack trace.
    const { name, message } = error as Error;
    return { exitCode: 1, stdout: '', stderr: `linkdns invoke: ${name}: ${message}\n` };
  }
  return render(run, values.json, flags.dryRun);
}

function describeRoute(route: EventRoute): string {
  if (route.cloud === 'aws') {
    const name = {
      'endpoint-events': 'handleEndpointEvent',
      'zone-events': 'handleZoneEvent',
      'scheduled-repair': 'handleScheduledRepair',
    }[route.handler];
    return `AWS Lambda ${name}`;
  }
  if (route.cloud === 'gcp') return `Google Cloud Function ${route.handler}`;
  const handlers = [...new Set(route.invocations.map((invocation) => invocation.handler))].join(', ');
  return `Azure Functions ${handlers} (${route.invocations.length} event${route.invocations.length === 1 ? '' : 's'})`;
}

async function invokeInCloud(route: EventRoute, flags: InvokeFlags): Promise<InvokeRun> {
  if (!flags.config) throw new InvalidInputError('--config is required (the linkdns configuration JSON file)');
  const configText = await readInputText(flags.config);
  const notes: string[] = [];
  const log = warningsTo(notes);
  const env = process.env;
  if (route.cloud === 'aws') {
    const settings = readAwsSettings({
      ...env,
      AWS_REGION: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
      LINKDNS_CONFIG: configText,
      LINKDNS_CONFIG_PARAMETER: undefined,
    });
    const runtime = await createAwsRuntime(settings, { logger: new Logger({ logLevel: 'SILENT' }), changeLog: log });
    const outcome = await invokeAwsHandler(route.handler, route.event, runtime, { dryRun: flags.dryRun });
    return { title: `${describeRoute(route)} in ${settings.AWS_REGION}`, outcomes: [outcome], notes };
  }
  if (route.cloud === 'gcp') {
    const { settings, endpoints, dns } = openGcp(flags, configText, log, env);
    const notifier = createNotifier(settings.config.notifications, { secrets: envSecretResolver(env), log });
    const outcome = await invokeGcpFunction(
      route.handler,
      route.event,
      { endpoints, dns, settings, notifier },
      { dryRun: flags.dryRun, log },
    );
    return { title: `${describeRoute(route)} in project ${settings.project}`, outcomes: [outcome], notes };
  }
  const settings = readAzureSettings({
    ...env,
    LINKDNS_CONFIG: configText,
    ...(flags.subscription ? { AZURE_SUBSCRIPTION_ID: flags.subscription } : {}),
    ...(flags.resourceGroup ? { LINKDNS_DNS_RESOURCE_GROUP: flags.resourceGroup } : {}),
  });
  const { endpoints, dns } = createAzureAdapters(settings, new DefaultAzureCredential(), { log });
  const notifier = createNotifier(settings.config.notifications, { secrets: envSecretResolver(env), log });
  const outcomes = await invokeAzureFunctions(
    route.invocations,
    { endpoints, dns, settings, notifier },
    { dryRun: flags.dryRun, log },
  );
  return { title: `${describeRoute(route)} in subscription ${settings.subscriptionId}`, outcomes, notes };
}

/**
 * Starts the local cloud the event belongs to, seeded with the demo scenario and staged for the event, and runs the
 * function there. The local clouds are imported here only: a deployed function never loads them.
 */
async function invokeLocally(route: EventRoute, flags: InvokeFlags): Promise<InvokeRun> {
  const scenarios = await import('../../local/demo-scenario.ts');
  const config = flags.config ? parseConfig(await readInputText(flags.config), flags.config) : undefined;
  const notes: string[] = [];
  const log = warningsTo(notes);
  if (route.cloud === 'aws') {
    const scenario = await scenarios.startAwsScenario();
    try {
      const runtimeConfig = config ?? scenarios.awsScenarioConfig(scenario);
      const quiet = { logger: new Logger({ logLevel: 'SILENT' }), notifier: silentNotifier };
      const local = { LINKDNS_ROUTE53_RATE: '50' };
      const staging = await scenarios.createScenarioRuntime(scenario, runtimeConfig, quiet, local);
      const staged = await scenarios.stageAwsEvent(scenario, staging, route.handler, route.event);
      notes.push(...staged.notes.map((note) => `local AWS: ${note}`));
      const runtime = await scenarios.createScenarioRuntime(
        scenario,
        runtimeConfig,
        {
          logger: quiet.logger,
          changeLog: log,
          secrets: envSecretResolver(process.env),
          ...(config ? {} : { notifier: silentNotifier }),
        },
        local,
      );
      scenario.aws.requests.reset();
      const outcome = await invokeAwsHandler(route.handler, staged.event, runtime, { dryRun: flags.dryRun });
      notes.push(`local AWS: the handler made ${describeCalls(scenario.aws.requests.byOperation())}`);
      const records = await runtime.deps.dns.readRecords({ id: scenario.zoneId, domain: scenario.domain });
      return {
        title: `${describeRoute(route)} on the local AWS (${scenario.aws.endpoint})`,
        outcomes: [outcome],
        notes,
        zone: { domain: scenario.domain, records },
      };
    } finally {
      await scenario.aws.close();
    }
  }
  if (route.cloud === 'gcp') return invokeOnLocalGcp(route, flags, config, log, notes);
  const scenario = await scenarios.startAzureScenario(config);
  try {
    const quiet = createAzureHandlers({
      endpoints: scenario.endpoints,
      dns: scenario.dns,
      settings: scenario.settings,
    });
    const context = invocationContext('staging', 'linkdns-invoke-staging', log);
    const staged = await scenarios.stageAzureEvents(scenario, quiet, context, route.invocations);
    notes.push(...staged.map((note) => `local Azure: ${note}`));
    const notifier = config
      ? createNotifier(config.notifications, { secrets: envSecretResolver(process.env), log })
      : undefined;
    scenario.azure.requests.clear();
    const outcomes = await invokeAzureFunctions(
      route.invocations,
      {
        endpoints: scenario.endpoints,
        dns: scenario.dns,
        settings: scenario.settings,
        ...(notifier ? { notifier } : {}),
      },
      { dryRun: flags.dryRun, log },
    );
    notes.push(`local Azure: the functions made ${describeCalls(scenario.azure.requests.counts())}`);
    const domain = scenarios.AZURE_SCENARIO.domain;
    const zone = await scenario.dns.listZones([domain]);
    const records = zone[0] ? await scenario.dns.readRecords(zone[0]) : [];
    return {
      title: `${describeRoute(route)} on the local Azure (${scenario.azure.baseUrl})`,
      outcomes,
      notes,
      zone: { domain, records },
    };
  } finally {
    await scenario.azure.close();
  }
}

/** `linkdns invoke --local` for a Google CloudEvent: the local Google Cloud with the PSC scenario, staged for the event. */
async function invokeOnLocalGcp(
  route: Extract<EventRoute, { cloud: 'gcp' }>,
  flags: InvokeFlags,
  config: ReturnType<typeof parseConfig> | undefined,
  log: ChangeLog,
  notes: string[],
): Promise<InvokeRun> {
  const { GCP_SCENARIO, stageGcpEvent, startGcpScenario } = await import('../../local/gcp/scenario.ts');
  const scenario = await startGcpScenario(config);
  try {
    const { endpoints, dns, settings } = scenario;
    const quiet = createGcpHandlers({ endpoints, dns, settings, log });
    const staged = await stageGcpEvent(scenario, quiet, route.handler, route.event);
    notes.push(...staged.map((note) => `local Google Cloud: ${note}`));
    const notifier = config
      ? createNotifier(config.notifications, { secrets: envSecretResolver(process.env), log })
      : undefined;
    scenario.gcp.requests.clear();
    const outcome = await invokeGcpFunction(
      route.handler,
      route.event,
      { endpoints, dns, settings, ...(notifier ? { notifier } : {}) },
      { dryRun: flags.dryRun, log },
    );
    notes.push(`local Google Cloud: the function made ${describeCalls(scenario.gcp.requests.counts())}`);
    const { domain, privateZone } = GCP_SCENARIO;
    const records = await dns.readRecords({ id: privateZone, domain });
    return {
      title: `${describeRoute(route)} on the local Google Cloud (${scenario.gcp.baseUrl})`,
      outcomes: [outcome],
      notes,
      zone: { domain, records },
    };
  } finally {
    await scenario.gcp.close();
  }
}

function describeCalls(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return 'no API calls';
  return `${total} API call${total === 1 ? '' : 's'} (${entries.map(([name, count]) => `${name} ${count}`).join(', ')})`;
}

function render(run: InvokeRun, json: boolean, dryRun: boolean): CommandResult {
  const rejected = run.outcomes.filter((outcome) => outcome.outcome === 'rejected');
  const failed = run.outcomes.some(
    (outcome) => outcome.outcome === 'reconciled' && summarizeRun(outcome.report).failed > 0,
  );
  const stderr = [
    ...run.notes,
    ...rejected.map((outcome) => `linkdns invoke: event rejected: ${(outcome as { reason: string }).reason}`),
  ];
  const exitCode = rejected.length > 0 || failed ? 1 : 0;
  const shown = run.outcomes.filter((outcome) => outcome.outcome !== 'rejected');
  let stdout = '';
  if (shown.length > 0 && json) {
    const bodies = shown.map((outcome) =>
      outcome.outcome === 'reconciled' ? outcome.report : { ignored: (outcome as { reason: string }).reason },
    );
    // One event: its report; a batch (an Event Grid array): one per event, in order.
    stdout = jsonDocument(bodies.length === 1 ? (bodies[0] ?? {}) : { invocations: bodies });
  } else if (shown.length > 0) {
    const palette = paletteFor(process.stdout, process.env);
    const parts = [`${run.title}${dryRun ? ' — dry run, nothing written' : ''}`, ''];
    for (const outcome of shown) {
      parts.push(
        outcome.outcome === 'reconciled'
          ? formatRunReport(outcome.report, palette, dryRun ? 'plan' : 'apply')
          : `Event ignored: ${(outcome as { reason: string }).reason}\n`,
      );
    }
    if (run.zone && !dryRun) {
      const { domain } = run.zone;
      const records = run.zone.records
        .filter((record) => record.type !== 'SOA' && record.type !== 'NS' && !isRegistryRecord(record, domain))
        .sort(compareRecords);
      const registry = run.zone.records.some((record) => isRegistryRecord(record, domain));
      parts.push(
        `Zone ${domain} after the run${registry ? ` (besides SOA, NS and the ownership registry ${registryName(domain)})` : ''}:`,
        formatRecordTable(records),
      );
    }
    stdout = `${parts.join('\n').replace(/\n+$/, '')}\n`;
  }
  return { exitCode, stdout, ...(stderr.length > 0 ? { stderr: `${stderr.join('\n')}\n` } : {}) };
}
