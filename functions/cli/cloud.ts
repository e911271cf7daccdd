import { Logger } from '@aws-lambda-powertools/logger';
import { DefaultAzureCredential } from '@azure/identity';
import { GoogleAuth } from 'google-auth-library';
import { createAwsRuntime } from '../aws/runtime.ts';
import { readAwsSettings } from '../aws/settings.ts';
import { createAzureAdapters } from '../azure/adapters.ts';
import { readAzureSettings } from '../azure/settings.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { ChangeLog, DnsProvider, EndpointSource, Notifier } from '../core/ports.ts';
import type { ReconcileDeps } from '../core/reconcile.ts';
import { createGcpAdapters } from '../gcp/adapters.ts';
import { CLOUD_PLATFORM_SCOPE, staticToken } from '../gcp/google-api.ts';
import { type GcpSettings, readGcpSettings } from '../gcp/settings.ts';
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

export const CLOUD_USAGE = `--config F [--cloud aws|azure|gcp] [--region R | --subscription ID --resource-group RG | --project P [--region R]] [--json]`;

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
}

const quiet: Notifier = { notify: async () => {} };

/**
 * Opens the configured cloud for the CLI. AWS: the default credential chain, `--region` or `AWS_REGION`
 * (`LINKDNS_AWS_ENDPOINT` points at a local AWS). Azure: `DefaultAzureCredential`, `--subscription` or
 * `AZURE_SUBSCRIPTION_ID`, `--resource-group` (the DNS zones') or `LINKDNS_DNS_RESOURCE_GROUP`. Google: see
 * {@link openGcp}.
 * The CLI sends no notifications: a person at a terminal sees the result.
 */
export async function openCloud(
  flags: CloudFlags,
  log: ChangeLog,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<CliCloud> {
  if (!flags.config) throw new InvalidInputError('--config is required (the linkdns configuration JSON file)');
  const configText = await readInputText(flags.config);
  if (flags.cloud === 'aws') {
    const settings = readAwsSettings({
      ...env,
      AWS_REGION: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
      LINKDNS_CONFIG: configText,
      LINKDNS_CONFIG_PARAMETER: undefined,
    });
    const runtime = await createAwsRuntime(settings, {
      logger: new Logger({ logLevel: 'SILENT' }),
      changeLog: log,
      notifier: quiet,
    });
    return { deps: runtime.deps, notifier: quiet };
  }
  if (flags.cloud === 'azure') {
    const settings = readAzureSettings({
      ...env,
      LINKDNS_CONFIG: configText,
      ...(flags.subscription ? { AZURE_SUBSCRIPTION_ID: flags.subscription } : {}),
      ...(flags['resource-group'] ? { LINKDNS_DNS_RESOURCE_GROUP: flags['resource-group'] } : {}),
    });
    const { endpoints, dns } = createAzureAdapters(settings, new DefaultAzureCredential(), { log });
    return { deps: { endpoints, dns, config: settings.config, log, now: () => new Date() }, notifier: quiet };
  }
  if (flags.cloud === 'gcp') {
    const { settings, endpoints, dns } = openGcp(flags, configText, log, env);
    return { deps: { endpoints, dns, config: settings.config, log, now: () => new Date() }, notifier: quiet };
  }
  throw new InvalidInputError(`--cloud must be aws, azure or gcp, not "${flags.cloud}"`);
}

/**
 * The Google adapters for a CLI command: the settings the functions read (`LINKDNS_*`, `GOOGLE_CLOUD_PROJECT`) with
 * `--project` and `--region` on top, and Application Default Credentials — or a static token when
 * `LINKDNS_GCP_API_ROOT` names a local Google Cloud.
 */
export function openGcp(
  flags: Pick<CloudFlags, 'project' | 'region'>,
  configText: string,
  log: ChangeLog,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { settings: GcpSettings; endpoints: EndpointSource; dns: DnsProvider } {
  const settings = readGcpSettings({
    ...env,
    LINKDNS_CONFIG: configText,
    ...(flags.project ? { LINKDNS_GCP_PROJECT: flags.project } : {}),
    ...(flags.region ? { LINKDNS_GCP_REGIONS: flags.region } : {}),
  });
  if (!settings.apiRoot) {
    const tokens = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
    return { settings, ...createGcpAdapters(settings, tokens, { log }) };
  }
  // A local Google Cloud only checks that a token is sent, and finishes changes at once: no need to poll for a second.
  return { settings, ...createGcpAdapters(settings, staticToken('local'), { log, pollIntervalMs: 1 }) };
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
