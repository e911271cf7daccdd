import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretRef } from '../core/notification-config.ts';
import { SecretUnavailableError } from './errors.ts';

/**
 * Reads the secrets notification destinations refer to: webhook URLs and signing secrets. They never sit in the
 * configuration itself, only a reference to where they live.
 */
export interface SecretResolver {
  /**
   * The secret's value.
   *
   * @throws SecretUnavailableError naming the reference (never the value) when it cannot be read
   */
  resolve(ref: SecretRef, signal?: AbortSignal): Promise<string>;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** How a reference is named in messages: where the secret lives, not what it is. */
export function describeSecretRef(ref: SecretRef): string {
  if ('ssmParameter' in ref) return `SSM parameter ${ref.ssmParameter}`;
  if ('secretsManager' in ref) return `Secrets Manager secret ${ref.secretsManager}`;
  return `environment variable ${ref.env}`;
}

/**
 * Secrets from environment variables: Azure app settings (a Key Vault reference such as
 * `@Microsoft.KeyVault(SecretUri=…)` arrives already resolved by the platform) and local runs.
 *
 * @example
 * ```ts
 * const notifier = createNotifier(config.notifications, { secrets: envSecretResolver(process.env), log });
 * ```
 */
export function envSecretResolver(env: Environment): SecretResolver {
  return {
    async resolve(ref) {
      if (!('env' in ref)) {
        throw new SecretUnavailableError(
          `${describeSecretRef(ref)} cannot be read here: this deployment reads secrets from environment variables ` +
            '(app settings, Key Vault references); use { "env": "NAME" }',
        );
      }
      return readEnvironment(env, ref.env);
    },
  };
}

function readEnvironment(env: Environment, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new SecretUnavailableError(`Environment variable ${name} is not set`);
  }
  // The Functions host leaves the reference text in place when it cannot resolve it.
  if (/^@Microsoft\.KeyVault\(/i.test(value.trim())) {
    throw new SecretUnavailableError(
      `App setting ${name} still holds an unresolved Key Vault reference: check that the function app's identity may ` +
        'read the secret and that the reference is valid',
    );
  }
  return value;
}

export interface AwsSecretResolverOptions {
  /** Defaults to a Powertools SSMProvider with the SDK's default client (region and credentials from the Lambda). */
  readonly ssm?: Pick<SSMProvider, 'get'>;
  /** Defaults to a Powertools SecretsProvider with the default client. */
  readonly secrets?: Pick<SecretsProvider, 'get'>;
  /** How long a value is cached in the warm instance. Default 300 s: a rotated URL is picked up within 5 minutes. */
  readonly maxAgeSeconds?: number;
  /** For `{ env }` references. Default: none (such references fail). */
  readonly env?: Environment;
  /** SDK client configuration of the default providers, e.g. `{ requestHandler }` with timeouts. */
  readonly clientConfig?: { readonly requestHandler?: object };
}

/**
 * Secrets from SSM Parameter Store (SecureString, decrypted) and Secrets Manager through Powertools parameters,
 * cached per warm instance for `maxAgeSeconds`. The providers are created on first use.
 *
 * @example
 * ```ts
 * // module scope, so the cache survives across invocations
 * const notifier = createNotifier(config.notifications, { secrets: awsSecretResolver(), log: logger, metrics });
 * ```
 */
export function awsSecretResolver(options: AwsSecretResolverOptions = {}): SecretResolver {
  const maxAge = options.maxAgeSeconds ?? 300;
  let ssm = options.ssm;
  let secrets = options.secrets;
  const clientConfig = options.clientConfig ? { clientConfig: { ...options.clientConfig } } : undefined;
  const ssmProvider = async () => {
    ssm ??= new (await import('@aws-lambda-powertools/parameters/ssm')).SSMProvider(clientConfig);
    return ssm;
  };
  const secretsProvider = async () => {
    secrets ??= new (await import('@aws-lambda-powertools/parameters/secrets')).SecretsProvider(clientConfig);
    return secrets;
  };
  return {
    async resolve(ref, signal) {
      if ('env' in ref) return readEnvironment(options.env ?? {}, ref.env);
      const read =
        'ssmParameter' in ref
          ? (await ssmProvider()).get(ref.ssmParameter, { decrypt: true, maxAge })
          : (await secretsProvider()).get(ref.secretsManager, { maxAge });
      let value: unknown;
      try {
        value = await abortable(read, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new SecretUnavailableError(`Could not read ${describeSecretRef(ref)}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const text = value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
      if (typeof text !== 'string' || text.trim() === '') {
        throw new SecretUnavailableError(`${describeSecretRef(ref)} is missing or empty`);
      }
      return text.trim();
    },
  };
}

/** Powertools takes no AbortSignal: stop waiting on abort (the request itself finishes in the background). */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
