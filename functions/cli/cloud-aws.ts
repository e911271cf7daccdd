import { Logger } from '@aws-lambda-powertools/logger';
import { createAwsRuntime } from '../aws/runtime.ts';
import { readAwsSettings } from '../aws/settings.ts';
import { type CliCloud, type CloudOpening, QUIET } from './cloud.ts';

/** AWS for a CLI command: the Lambda functions' settings with `--region` on top, the default credential chain. */
export async function openAwsCloud({ flags, configText, log, env, runConfig }: CloudOpening): Promise<CliCloud> {
  const settings = readAwsSettings({
    ...env,
    AWS_REGION: flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    LINKDNS_CONFIG: configText,
    LINKDNS_CONFIG_PARAMETER: undefined,
  });
  const runtime = await createAwsRuntime(settings, {
    logger: new Logger({ logLevel: 'SILENT' }),
    changeLog: log,
    notifier: QUIET,
    ...(runConfig ? { runConfig: (config) => runConfig(config) } : {}),
  });
  return { deps: runtime.deps, notifier: QUIET, runConfig: runtime.runConfig };
}
