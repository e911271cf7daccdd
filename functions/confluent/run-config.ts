import type { LinkdnsConfig } from '../core/config.ts';
import { LinkdnsError } from '../core/errors.ts';
import type { ChangeLog } from '../core/ports.ts';
import type { ReconcileDeps } from '../core/reconcile.ts';
import { type DiscoverySummary, type RunReport, summarizeError, type Trigger } from '../core/report.ts';
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
  return { forRun: async () => ({ config }) };
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
  return {
    async forRun(signal) {
      const discovery = await discover(signal);
      if (discovery.vanished.length > 0) {
        options.log?.warn('Confluent networks or attachments vanished; their records stay until their endpoints go', {
          vanished: discovery.vanished,
        });
      }
      return { config: withDiscoveredMappings(config, discovery.mappings), discovery };
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

/**
 * Runs `work` with the run's configuration, and returns its report with the discovery summary. When discovery fails,
 * nothing is reconciled (so nothing is written) and the returned report holds one failed entry naming the cause,
 * retryable when Confluent was unavailable: handlers notify it once and rethrow retryable failures like any other.
 */
export async function runWithDiscovery(
  source: RunConfigSource,
  deps: ReconcileDeps,
  trigger: Trigger,
  work: (deps: ReconcileDeps) => Promise<RunReport>,
  signal?: AbortSignal,
): Promise<RunReport> {
  let run: Awaited<ReturnType<RunConfigSource['forRun']>>;
  try {
    run = await source.forRun(signal);
  } catch (error) {
    if (signal?.aborted || !(error instanceof LinkdnsError)) throw error;
    deps.log?.error('Confluent Cloud discovery failed; nothing was changed', { error: summarizeError(error) });
    return discoveryFailureReport(trigger, error, deps.now);
  }
  const report = await work({ ...deps, config: run.config });
  return run.discovery ? { ...report, discovery: summarizeDiscovery(run.discovery) } : report;
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
