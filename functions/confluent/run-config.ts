import type { LinkdnsConfig } from '../core/config.ts';
import { LinkdnsError } from '../core/errors.ts';
import type { ChangeLog, Notifier } from '../core/ports.ts';
import type { ReconcileDeps } from '../core/reconcile.ts';
import { type DiscoverySummary, type RunReport, summarizeError, type Trigger } from '../core/report.ts';
import type { SweepQueued } from '../core/sweep.ts';
import {
  type InvocationResult,
  reconcileDepsOf,
  reconciled,
  settleInvocation,
  startZonesBefore,
} from '../invocation.ts';
import { describeSecretRef, type SecretResolver } from '../notify/secrets.ts';
import { CONFLUENT_API_ROOT, ConfluentAuthError, ConfluentCloudClient } from './cloud-api.ts';
import { cachedDiscovery, type Discovery, discoverMappings, withDiscoveredMappings } from './discovery.ts';

/**
 * The configuration each run uses, at the edge: the typed configuration (read once per cold start) plus the mappings
 * discovered from Confluent Cloud (at most once per `cacheSeconds` per warm instance). Handlers and the CLI call
 * {@link RunConfigSource.forRun} at the start of a run; the core only ever sees the merged configuration.
 */
export interface RunConfigSource {
  /**
   * @throws ConfluentAuthError (bad or missing credentials, an environment the key cannot read), ConfluentApiError,
   * ConfluentUnavailableError (retryable), ConfigError (a typed mapping conflicts with a discovered one)
   */
  forRun(signal?: AbortSignal): Promise<{ config: LinkdnsConfig; discovery?: Discovery }>;
  /**
   * The configuration of the latest run (the typed one before the first): what endpoint sources select and narrow by,
   * so endpoints of discovered services are read. Runs start with {@link forRun}, before any listing.
   */
  current(): LinkdnsConfig;
}

export interface RunConfigOptions {
  /** Where the Cloud API key and secret references are read. */
  readonly secrets: SecretResolver;
  /** API base URL when the configuration names none (`LINKDNS_CONFLUENT_ENDPOINT`, `--confluent-endpoint`). */
  readonly endpoint?: string | undefined;
  /** Replaces the configuration's environments (`--environment`). */
  readonly environments?: readonly string[] | undefined;
  readonly log?: ChangeLog;
  readonly now?: () => Date;
  /** Client overrides (tests shorten the backoff). */
  readonly client?: Partial<ConstructorParameters<typeof ConfluentCloudClient>[0]>;
}

/** A source that returns the configuration as it is: no discovery configured. */
export function staticRunConfig(config: LinkdnsConfig): RunConfigSource {
  return { forRun: async () => ({ config }), current: () => config };
}

/**
 * The run configuration for a deployment: static when the configuration has no `confluent` section and no
 * environments are given, else typed + discovered, cached per warm instance.
 */
export function confluentRunConfig(config: LinkdnsConfig, options: RunConfigOptions): RunConfigSource {
  const environments = options.environments ?? config.confluent?.environments;
  if (!environments || environments.length === 0) return staticRunConfig(config);
  const now = options.now ?? (() => new Date());
  const apiKey = config.confluent?.apiKey ?? { env: 'CONFLUENT_CLOUD_API_KEY' };
  const apiSecret = config.confluent?.apiSecret ?? { env: 'CONFLUENT_CLOUD_API_SECRET' };
  const discover = cachedDiscovery(
    async (signal) => {
      const [key, secret] = await Promise.all([
        readCredential(options.secrets, apiKey, signal),
        readCredential(options.secrets, apiSecret, signal),
      ]);
      const client = new ConfluentCloudClient({
        credentials: { apiKey: key, apiSecret: secret },
        baseUrl: config.confluent?.endpoint ?? options.endpoint ?? CONFLUENT_API_ROOT,
        ...(options.log ? { log: options.log } : {}),
        ...options.client,
      });
      return discoverMappings(client, environments, now, signal);
    },
    { maxAgeMs: (config.confluent?.cacheSeconds ?? 300) * 1000, now },
  );
  let current = config;
  return {
    current: () => current,
    async forRun(signal) {
      const discovery = await discover(signal);
      if (discovery.vanished.length > 0) {
        options.log?.warn('Confluent networks or attachments vanished; their records stay until their endpoints go', {
          vanished: discovery.vanished,
        });
      }
      current = withDiscoveredMappings(config, discovery.mappings);
      return { config: current, discovery };
    },
  };
}

async function readCredential(
  secrets: SecretResolver,
  ref: Parameters<SecretResolver['resolve']>[0],
  signal: AbortSignal | undefined,
): Promise<string> {
  try {
    return await secrets.resolve(ref, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ConfluentAuthError(
      `No Confluent Cloud API credentials: ${describeSecretRef(ref)} could not be read (${(error as Error).message})`,
      { cause: error },
    );
  }
}

export function summarizeDiscovery(discovery: Discovery): DiscoverySummary {
  return {
    source: 'confluent',
    environments: discovery.environments,
    mappings: discovery.mappings.length,
    skipped: discovery.skipped.map(({ id, reason }) => ({ id, reason })),
    vanished: discovery.vanished,
    apiCalls: discovery.apiCalls,
    cached: discovery.cached,
  };
}

/** A run that may go ahead with `config`, or the report of a discovery that failed (nothing was reconciled). */
export type RunStart =
  | {
      readonly config: LinkdnsConfig;
      /** The run's report with the discovery summary (API calls, skipped, vanished) added. */
      readonly finish: (report: RunReport) => RunReport;
    }
  | { readonly failed: RunReport };

/**
 * Starts a run: the configuration with the discovered mappings. When discovery fails, nothing may be reconciled (so
 * nothing is written): the report returned instead holds one failed entry naming the cause, retryable when Confluent
 * was unavailable, so handlers notify it once and let the platform retry like any other retryable failure.
 */
export async function beginRun(
  source: RunConfigSource,
  trigger: Trigger,
  context: { readonly now: () => Date; readonly log?: ChangeLog | undefined },
  signal?: AbortSignal,
): Promise<RunStart> {
  let run: Awaited<ReturnType<RunConfigSource['forRun']>>;
  try {
    run = await source.forRun(signal);
  } catch (error) {
    if (signal?.aborted || !(error instanceof LinkdnsError)) throw error;
    context.log?.error('Confluent Cloud discovery failed; nothing was changed', { error: summarizeError(error) });
    return { failed: discoveryFailureReport(trigger, error, context.now) };
  }
  const { discovery } = run;
  return {
    config: run.config,
    finish: (report) => (discovery ? { ...report, discovery: summarizeDiscovery(discovery) } : report),
  };
}

/** {@link beginRun}, then `work` with the run's dependencies, returning its report with the discovery summary. */
export async function runWithDiscovery(
  source: RunConfigSource,
  deps: ReconcileDeps,
  trigger: Trigger,
  work: (deps: ReconcileDeps) => Promise<RunReport>,
  signal?: AbortSignal,
): Promise<RunReport> {
  const start = await beginRun(source, trigger, { now: deps.now, log: deps.log }, signal);
  if ('failed' in start) return start.failed;
  return start.finish(await work({ ...deps, config: start.config }));
}

/** The label discovery failures are reported under, in place of a zone. */
export const DISCOVERY_FAILURE_DOMAIN = 'Confluent Cloud discovery';

export function discoveryFailureReport(trigger: Trigger, error: unknown, now: () => Date): RunReport {
  const at = now().toISOString();
  return {
    trigger,
    dryRun: false,
    startedAt: at,
    finishedAt: at,
    zones: [
      {
        domain: DISCOVERY_FAILURE_DOMAIN,
        scope: 'all',
        outcome: 'failed',
        changes: { create: [], update: [], delete: [] },
        conflicts: [],
        endpoints: [],
        attempts: 0,
        error: summarizeError(error),
      },
    ],
  };
}

/**
 * One Azure or Google function invocation's work with the run's configuration: discovery first (a failure becomes the
 * invocation's report, so it is notified once and retried when retryable), then `work` with the merged mappings, its
 * report carrying the discovery summary. Without a source, `work` runs on the typed configuration.
 */
export async function invocationWithDiscovery<Result extends { readonly outcome: string } = InvocationResult>(
  source: RunConfigSource | undefined,
  reconcile: ReconcileDeps,
  kind: Trigger['kind'],
  signal: AbortSignal,
  work: (reconcile: ReconcileDeps) => Promise<Result | InvocationResult>,
): Promise<Result | InvocationResult> {
  if (!source) return work(reconcile);
  const trigger = { kind, id: `${kind}-${reconcile.now().toISOString()}`, description: 'Confluent Cloud discovery' };
  const start = await beginRun(source, trigger, { now: reconcile.now, log: reconcile.log }, signal);
  if ('failed' in start) return reconciled(start.failed);
  const result = await work({ ...reconcile, config: start.config });
  return result.outcome === 'reconciled'
    ? reconciled(start.finish((result as Extract<InvocationResult, { outcome: 'reconciled' }>).report))
    : result;
}

/**
 * One Azure or Google function invocation, whole: the core's dependencies, the instant after which no zone starts
 * (within `budgetMs`, or `startZonesWithinMs` for a sweep batch: its share of the timeout), discovery
 * ({@link invocationWithDiscovery}) and {@link settleInvocation}: what is thrown, the platform redelivers.
 */
export async function settleFunctionInvocation<Result extends InvocationResult | SweepQueued = InvocationResult>(
  deps: Pick<ReconcileDeps, 'endpoints' | 'dns' | 'config'> & {
    readonly now?: (() => Date) | undefined;
    readonly notifier?: Notifier | undefined;
    readonly runConfig?: RunConfigSource | undefined;
  },
  invocation: { readonly kind: Trigger['kind']; readonly budgetMs: number; readonly log: ChangeLog },
  work: (reconcile: ReconcileDeps, signal: AbortSignal, startZonesBefore: Date) => Promise<Result>,
  options: { readonly retryUnchecked?: boolean; readonly startZonesWithinMs?: number } = {},
): Promise<Result | InvocationResult> {
  const signal = AbortSignal.timeout(invocation.budgetMs);
  const { log } = invocation;
  const reconcile = reconcileDepsOf(deps, log);
  const cutoff = startZonesBefore(reconcile.now(), invocation.budgetMs, options.startZonesWithinMs);
  return settleInvocation<Result>(
    { log, notifier: deps.notifier, signal, retryUnchecked: options.retryUnchecked ?? false },
    () =>
      invocationWithDiscovery<Result>(deps.runConfig, reconcile, invocation.kind, signal, (run) =>
        work(run, signal, cutoff),
      ),
  );
}
