import { parseArgs } from 'node:util';
import { CONFLUENT_API_ROOT } from '../confluent/cloud-api.ts';
import type { Discovery } from '../confluent/discovery.ts';
import {
  confluentRunConfig,
  discoveryFailureReport,
  type RunConfigSource,
  summarizeDiscovery,
} from '../confluent/run-config.ts';
import { type LinkdnsConfig, parseConfig } from '../core/config.ts';
import { InvalidInputError, LinkdnsError } from '../core/errors.ts';
import type { ChangeLog } from '../core/ports.ts';
import type { ReconcileDeps } from '../core/reconcile.ts';
import type { RunReport, Trigger } from '../core/report.ts';
import { createNotifier } from '../notify/notifier.ts';
import { awsSecretResolver } from '../notify/secrets.ts';
import { stderrLog } from './cloud.ts';
import type { CommandResult } from './command.ts';
import { readInputText } from './input-files.ts';
import { jsonArrayDocument } from './json-output.ts';

/** The Confluent Cloud discovery flags `discover`, `plan`, `apply` and `repair` share. */
export const CONFLUENT_OPTIONS = {
  environment: { type: 'string' },
  'confluent-endpoint': { type: 'string' },
} as const;

export interface ConfluentFlags {
  readonly environment?: string | undefined;
  readonly 'confluent-endpoint'?: string | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** `--environment env-a,env-b` → the ids; `undefined` when the flag is absent. */
function environmentsOf(flag: string | undefined): string[] | undefined {
  if (flag === undefined) return undefined;
  const environments = flag
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const bad = environments.filter((id) => !/^env-[a-z0-9]+$/.test(id));
  if (environments.length === 0 || bad.length > 0) {
    throw new InvalidInputError(`--environment must list Confluent environment ids (env-…), not "${flag}"`);
  }
  return environments;
}

/**
 * The run configuration for a CLI command: discovery when `--environment` is given or the configuration has a
 * `confluent` section. Credentials: the configuration's references, by default `CONFLUENT_CLOUD_API_KEY` and
 * `CONFLUENT_CLOUD_API_SECRET` (the Confluent Terraform provider's names); SSM / Secrets Manager references are read
 * with the AWS default credential chain. Base URL: the configuration's, `--confluent-endpoint`,
 * `LINKDNS_CONFLUENT_ENDPOINT`, or `https://api.confluent.cloud`.
 */
export function cliRunConfig(
  flags: ConfluentFlags,
  config: LinkdnsConfig,
  log: ChangeLog,
  env: Environment = process.env,
): RunConfigSource {
  return confluentRunConfig(config, {
    secrets: awsSecretResolver({ env }),
    endpoint: flags['confluent-endpoint'] ?? env.LINKDNS_CONFLUENT_ENDPOINT ?? CONFLUENT_API_ROOT,
    environments: environmentsOf(flags.environment),
    log,
  });
}

/**
 * Runs a CLI command's reconcile work with the discovered mappings. A failed discovery changes nothing: it sends one
 * notification (to the configuration's destinations, if any) and fails the command with the cause.
 */
export async function reconcileWithDiscovery<T>(
  source: RunConfigSource,
  deps: ReconcileDeps,
  trigger: Trigger,
  work: (deps: ReconcileDeps, withDiscovery: (report: RunReport) => RunReport) => Promise<T>,
  env: Environment = process.env,
): Promise<T> {
  let run: { config: LinkdnsConfig; discovery?: Discovery };
  try {
    run = await source.forRun();
  } catch (error) {
    if (error instanceof LinkdnsError) await notifyFailure(deps.config, trigger, error, env);
    throw error;
  }
  const { discovery } = run;
  return work({ ...deps, config: run.config }, (report) =>
    discovery ? { ...report, discovery: summarizeDiscovery(discovery) } : report,
  );
}

async function notifyFailure(config: LinkdnsConfig, trigger: Trigger, error: LinkdnsError, env: Environment) {
  if (config.notifications.length === 0) return;
  const notifier = createNotifier(config.notifications, { secrets: awsSecretResolver({ env }), log: stderrLog() });
  await notifier.notify(discoveryFailureReport(trigger, error, () => new Date()));
}

/**
 * `linkdns discover`: the mappings Confluent Cloud's networks and PrivateLink attachments give, merged with the typed
 * ones of `--config` when given (a conflict is an error naming both). `--json`: an array sorted by service of
 * `{ cloud, service, domain, layout, zone?, source, environment }`.
 */
export async function discoverCommand(argv: readonly string[], env: Environment = process.env): Promise<CommandResult> {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...CONFLUENT_OPTIONS, config: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const config = values.config
    ? parseConfig(await readInputText(values.config), values.config)
    : parseConfig({ owner: 'linkdns-discover' });
  if (!values.environment && !config.confluent) {
    throw new InvalidInputError('--environment is required (or a configuration with a confluent.environments list)');
  }
  const log = stderrLog();
  const source = cliRunConfig(values, config, log, env);
  const trigger: Trigger = {
    kind: 'cli',
    id: `cli-discover-${new Date().toISOString()}`,
    description: 'linkdns discover',
  };
  let discovery: Discovery | undefined;
  try {
    discovery = (await source.forRun()).discovery;
  } catch (error) {
    if (error instanceof LinkdnsError) await notifyFailure(config, trigger, error, env);
    throw error;
  }
  if (!discovery) throw new InvalidInputError('no Confluent environments to discover');
  const mappings = discovery.mappings.map(({ cloud, service, domain, layout, zone, source: from, environment }) => ({
    cloud,
    service,
    domain,
    layout,
    ...(zone ? { zone } : {}),
    source: from,
    environment,
  }));
  const notes = [
    ...discovery.skipped.map((skipped) => `skipped ${skipped.id} (${skipped.environment}): ${skipped.reason}\n`),
    `${mappings.length} mapping(s) from ${discovery.environments.join(', ')}; ${discovery.apiCalls} Confluent Cloud API call(s)\n`,
  ].join('');
  if (values.json) return { exitCode: 0, stdout: jsonArrayDocument(mappings), stderr: notes };
  const width = Math.max(0, ...mappings.map((mapping) => mapping.service.length));
  const lines = mappings.map(
    (m) =>
      `${m.cloud.padEnd(5)} ${m.service.padEnd(width)}  → ${m.domain}  ${m.layout}${m.zone ? ` zone ${m.zone}` : ''}  (${m.source} ${m.environment})\n`,
  );
  return { exitCode: 0, stdout: lines.join(''), stderr: notes };
}
