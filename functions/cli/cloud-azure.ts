import { DefaultAzureCredential } from '@azure/identity';
import { createAzureAdapters } from '../azure/adapters.ts';
import { readAzureSettings } from '../azure/settings.ts';
import { staticRunConfig } from '../confluent/run-config.ts';
import { type CliCloud, type CloudOpening, QUIET } from './cloud.ts';

/** Azure for a CLI command: the Functions' settings with `--subscription`/`--resource-group` on top. */
export function openAzureCloud({ flags, configText, log, env, runConfig }: CloudOpening): CliCloud {
  const settings = readAzureSettings({
    ...env,
    LINKDNS_CONFIG: configText,
    ...(flags.subscription ? { AZURE_SUBSCRIPTION_ID: flags.subscription } : {}),
    ...(flags['resource-group'] ? { LINKDNS_DNS_RESOURCE_GROUP: flags['resource-group'] } : {}),
  });
  const source = runConfig?.(settings.config) ?? staticRunConfig(settings.config);
  const { endpoints, dns } = createAzureAdapters(settings, new DefaultAzureCredential(), {
    log,
    currentConfig: source.current,
  });
  return {
    deps: { endpoints, dns, config: settings.config, log, now: () => new Date() },
    notifier: QUIET,
    runConfig: source,
  };
}
