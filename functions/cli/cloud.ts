import type { RunConfigSource } from '../confluent/run-config.ts';
import type { LinkdnsConfig } from '../core/config.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { ChangeLog, Notifier } from '../core/ports.ts';
import type { ReconcileDeps } from '../core/reconcile.ts';
import { readInputText } from './input-files.ts';

/** Flags every cloud-facing command shares. */
export const CLOUD_OPTIONS = {
  config: { type: 'string' },
  cloud: { type: 'string', default: 'aws' },
  region: { type: 'string' },
  subscription: { type: 'string' },
  'resource-group': { type: 'string' },
  project: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export interface CloudFlags {
  readonly config?: string | undefined;
  readonly cloud?: string | undefined;
  readonly region?: string | undefined;
  readonly subscription?: string | undefined;
  readonly 'resource-group'?: string | undefined;
  readonly project?: string | undefined;
}

/** The core's ports on a real cloud, with that cloud SDK's standard credential chain. */
export interface CliCloud {
  readonly deps: ReconcileDeps;
  readonly notifier: Notifier;
  /** The configuration per run (typed + discovered mappings); the endpoint source selects by its latest. */
  readonly runConfig: RunConfigSource;
}

/** Builds the per-run configuration from the typed one (`cliRunConfig` for Confluent Cloud discovery). */
export type RunConfigFactory = (config: LinkdnsConfig) => RunConfigSource;

/** What opening one cloud needs; each cloud's module (`cloud-aws.ts`, …) takes it. */
export interface CloudOpening {
  readonly flags: CloudFlags;
  readonly configText: string;
  readonly log: ChangeLog;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly runConfig?: RunConfigFactory | undefined;
}

/** The CLI sends no notifications: a person at a terminal sees the result. */
export const QUIET: Notifier = { notify: async () => {} };

/**
 * Opens the configured cloud for the CLI, importing only that cloud's module and so only its SDK (a one-cloud `plan`
 * never loads the other two: `test/cli/built-cli.test.ts`). AWS: the default credential chain, `--region` or
 * `AWS_REGION` (`LINKDNS_AWS_ENDPOINT` points at a local AWS). Azure: `DefaultAzureCredential`, `--subscription` or
 * `AZURE_SUBSCRIPTION_ID`, `--resource-group` (the DNS zones') or `LINKDNS_DNS_RESOURCE_GROUP`
 * (`LINKDNS_AZURE_API_ROOT` points at a local Azure). Google: see
 * `openGcp` in `cloud-gcp.ts`.
 */
export async function openCloud(
  flags: CloudFlags,
  log: ChangeLog,
  env: Readonly<Record<string, string | undefined>> = process.env,
  runConfig?: RunConfigFactory,
): Promise<CliCloud> {
  if (!flags.config) throw new InvalidInputError('--config is required (the linkdns configuration JSON file)');
  if (flags.cloud !== 'aws' && flags.cloud !== 'azure' && flags.cloud !== 'gcp') {
    throw new InvalidInputError(`--cloud must be aws, azure or gcp, not "${flags.cloud}"`);
  }
  const opening: CloudOpening = { flags, configText: await readInputText(flags.config), log, env, runConfig };
  if (flags.cloud === 'aws') return (await import('./cloud-aws.ts')).openAwsCloud(opening);
  if (flags.cloud === 'azure') return (await import('./cloud-azure.ts')).openAzureCloud(opening);
  return (await import('./cloud-gcp.ts')).openGcpCloud(opening);
}

/** Human log lines on stderr: stdout stays for the command's result. */
export function stderrLog(stream: NodeJS.WritableStream = process.stderr): ChangeLog {
  const line = (level: string) => (message: string, attributes?: Record<string, unknown>) => {
    const where = attributes?.domain
      ? ` [${attributes.domain}${attributes.zoneId ? ` ${attributes.zoneId}` : ''}]`
      : '';
    stream.write(`${level}${message}${where}\n`);
  };
  return { info: line(''), warn: line('warning: '), error: line('error: ') };
}
