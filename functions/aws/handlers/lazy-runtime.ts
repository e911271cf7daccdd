import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type AwsRuntime, createAwsRuntime } from '../runtime.ts';
import { readAwsSettings } from '../settings.ts';

/**
 * The logger and metrics exist at module scope (middy's middlewares need them); the rest of the runtime is built
 * on the first invocation, once, and reused: importing a handler never reads the environment or calls AWS.
 */
export function lazyRuntime(): { logger: Logger; metrics: Metrics; runtime: () => Promise<AwsRuntime> } {
  const logger = new Logger({ serviceName: 'linkdns' });
  const metrics = new Metrics({ namespace: 'linkdns', serviceName: 'linkdns' });
  let pending: Promise<AwsRuntime> | undefined;
  const runtime = () => {
    pending ??= createAwsRuntime(readAwsSettings(process.env), { logger, metrics }).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return { logger, metrics, runtime };
}
