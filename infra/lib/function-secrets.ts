import type { LinkdnsConfig } from '../../functions/core/config.ts';
import { ConfigError } from '../../functions/core/errors.ts';
import type { SecretRef } from '../../functions/core/notification-config.ts';

/**
 * The secrets the functions read — notification destinations (webhook URLs, signing secrets) and the Confluent Cloud
 * API key and secret used for discovery — as SSM parameter names or ARNs and Secrets Manager secret names or ARNs.
 */
export interface FunctionSecrets {
  readonly ssmParameters: readonly string[];
  readonly secretsManagerSecrets: readonly string[];
}

/**
 * Collects every secret reference in the configuration, so the functions are granted read access to exactly those.
 *
 * @throws ConfigError when a reference is an `env` one: a Lambda function would need the secret in plain environment
 * variables, which the deployment never sets. Use `ssmParameter` (SecureString) or `secretsManager`. This includes
 * Confluent discovery left at its default (`CONFLUENT_CLOUD_API_KEY` / `_SECRET` environment variables).
 */
export function functionSecrets(config: LinkdnsConfig, source = 'configuration'): FunctionSecrets {
  const ssmParameters = new Set<string>();
  const secretsManagerSecrets = new Set<string>();
  const problems: string[] = [];
  const refs: [string, SecretRef | undefined][] = config.notifications.flatMap((destination, index) => [
    [`notifications.${index}.url`, destination.url] as [string, SecretRef | undefined],
    [`notifications.${index}.signingSecret`, destination.signingSecret] as [string, SecretRef | undefined],
  ]);
  if (config.confluent) {
    refs.push(['confluent.apiKey', config.confluent.apiKey], ['confluent.apiSecret', config.confluent.apiSecret]);
  }
  for (const [field, ref] of refs) {
    if (!ref) continue;
    if ('ssmParameter' in ref) ssmParameters.add(ref.ssmParameter);
    else if ('secretsManager' in ref) secretsManagerSecrets.add(ref.secretsManager);
    else
      problems.push(
        `${field}: an env reference cannot be resolved on AWS Lambda; ` +
          'use {"ssmParameter": name} or {"secretsManager": name or ARN}',
      );
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { ssmParameters: [...ssmParameters].sort(), secretsManagerSecrets: [...secretsManagerSecrets].sort() };
}
