import { GoogleAuth } from 'google-auth-library';
import { type RunConfigSource, staticRunConfig } from '../confluent/run-config.ts';
import type { LinkdnsConfig } from '../core/config.ts';
import type { ChangeLog, DnsProvider, EndpointSource } from '../core/ports.ts';
import { createGcpAdapters } from '../gcp/adapters.ts';
import { CLOUD_PLATFORM_SCOPE, staticToken } from '../gcp/google-api.ts';
import { type GcpSettings, readGcpSettings } from '../gcp/settings.ts';
import { type CliCloud, type CloudFlags, type CloudOpening, QUIET } from './cloud.ts';

/** Google Cloud for a CLI command (see {@link openGcp}). */
export function openGcpCloud({ flags, configText, log, env, runConfig }: CloudOpening): CliCloud {
  let source: RunConfigSource | undefined;
  const { settings, endpoints, dns } = openGcp(flags, configText, log, env, (config) => {
    source = runConfig?.(config) ?? staticRunConfig(config);
    return source.current;
  });
  const runs = source ?? staticRunConfig(settings.config);
  return {
    deps: { endpoints, dns, config: settings.config, log, now: () => new Date() },
    notifier: QUIET,
    runConfig: runs,
  };
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
  /** The run's configuration for the endpoint source's selection, from the typed one; default: the typed one. */
  currentConfig?: (config: LinkdnsConfig) => () => LinkdnsConfig,
): { settings: GcpSettings; endpoints: EndpointSource; dns: DnsProvider } {
  const settings = readGcpSettings({
    ...env,
    LINKDNS_CONFIG: configText,
    ...(flags.project ? { LINKDNS_GCP_PROJECT: flags.project } : {}),
    ...(flags.region ? { LINKDNS_GCP_REGIONS: flags.region } : {}),
  });
  const selection = currentConfig ? { currentConfig: currentConfig(settings.config) } : {};
  if (!settings.apiRoot) {
    const tokens = new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
    return { settings, ...createGcpAdapters(settings, tokens, { log, ...selection }) };
  }
  // A local Google Cloud only checks that a token is sent, and finishes changes at once: no need to poll for a second.
  return { settings, ...createGcpAdapters(settings, staticToken('local'), { log, pollIntervalMs: 1, ...selection }) };
}
