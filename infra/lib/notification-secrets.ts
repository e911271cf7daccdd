import type { LinkdnsConfig } from '../../functions/core/config.ts';
import { ConfigError } from '../../functions/core/errors.ts';
import type { SecretRef } from '../../functions/core/notification-config.ts';

/** The secrets the notifiers read: SSM parameter names or ARNs, Secrets Manager secret names or ARNs. */
export interface NotificationSecrets {
  readonly ssmParameters: readonly string[];
  readonly secretsManagerSecrets: readonly string[];
}

/**
 * Collects the secret references of every notification destination (webhook URLs, signing secrets), so the functions
 * are granted read access to exactly those.
 *
 * @throws ConfigError when a destination uses an `env` reference: a Lambda function would need the secret in plain
 * environment variables, which the deployment never sets. Use `ssmParameter` (SecureString) or `secretsManager`.
 */
export function notificationSecrets(config: LinkdnsConfig, source = 'configuration'): NotificationSecrets {
  const ssmParameters = new Set<string>();
  const secretsManagerSecrets = new Set<string>();
  const problems: string[] = [];
  for (const [index, destination] of config.notifications.entries()) {
    const refs: [string, SecretRef | undefined][] = [
      ['url', destination.url],
      ['signingSecret', destination.signingSecret],
    ];
    for (const [field, ref] of refs) {
      if (!ref) continue;
      if ('ssmParameter' in ref) ssmParameters.add(ref.ssmParameter);
      else if ('secretsManager' in ref) secretsManagerSecrets.add(ref.secretsManager);
      else
        problems.push(
          `notifications.${index}.${field}: an env reference cannot be resolved on AWS Lambda; ` +
            'use {"ssmParameter": name} or {"secretsManager": name or ARN}',
        );
    }
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { ssmParameters: [...ssmParameters].sort(), secretsManagerSecrets: [...secretsManagerSecrets].sort() };
}
