import { type CloudEvent, cloudEvent } from '@google-cloud/functions-framework';
import { GoogleAuth } from 'google-auth-library';
import { confluentRunConfig } from '../confluent/run-config.ts';
import type { SweepQueued } from '../invocation.ts';
import { createNotifier } from '../notify/notifier.ts';
import { envSecretResolver } from '../notify/secrets.ts';
import { createGcpAdapters } from './adapters.ts';
import { CLOUD_PLATFORM_SCOPE, staticToken } from './google-api.ts';
import { createGcpHandlers, type GcpHandlerResult, structuredLog } from './handlers.ts';
import { GCP_FUNCTION_NAMES, readGcpSettings } from './settings.ts';

/**
 * The Cloud Functions (2nd gen) entry points: four CloudEvent functions over one set of adapters, configured once
 * from the environment at module load. A missing or invalid variable fails the instance start with every problem
 * listed. Deploy each with `--entry-point` set to its name (infra/gcp/README.md).
 */
const settings = readGcpSettings(process.env);
const log = structuredLog();

// The function's service account through the metadata server in Google Cloud (Application Default Credentials
// elsewhere); the local cloud only checks that a bearer token is sent.
const tokens = settings.apiRoot ? staticToken('local') : new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] });
// Confluent Cloud discovery, when configured: the Cloud API key and secret are `{ "env": … }` references too.
const runConfig = confluentRunConfig(settings.config, {
  secrets: envSecretResolver(process.env),
  endpoint: process.env.LINKDNS_CONFLUENT_ENDPOINT,
  log,
});

const { endpoints, dns, sweepTopic, sweepBacklog } = createGcpAdapters(settings, tokens, {
  log,
  currentConfig: runConfig.current,
});

// Secrets reach the function as environment variables (`--set-secrets` from Secret Manager) and are read through
// `{ "env": … }` references. Notification failures are logged and never fail the DNS work.
const notifier = createNotifier(settings.config.notifications, { secrets: envSecretResolver(process.env), log });

export const handlers = createGcpHandlers({
  endpoints,
  dns,
  settings,
  notifier,
  log,
  runConfig,
  ...(sweepTopic ? { sweepTopic } : {}),
  // The worker trigger's subscription (LINKDNS_SWEEP_SUBSCRIPTION, set by deploy-gcp.sh): no new sweep while it holds
  // the previous one's batches.
  ...(sweepBacklog ? { sweepBacklog } : {}),
});

// The framework answers 2xx when the handler resolves and 500 when it rejects; Eventarc redelivers only the latter
// (with retries enabled), which is what linkdns wants for retryable errors and only for those.
const register = (name: string, handler: (event: unknown) => Promise<GcpHandlerResult | SweepQueued>) =>
  cloudEvent(name, async (event: CloudEvent<unknown>) => {
    await handler(event);
  });

register(GCP_FUNCTION_NAMES.endpointEvents, handlers.forwardingRuleEvents);
register(GCP_FUNCTION_NAMES.zoneEvents, handlers.cloudDnsRecordEvents);
// With a sweep topic (deploy-gcp.sh sets one) the schedule runs the coordinator and workers take the batches from the
// topic (`--retry`, dead-letter topic on the trigger's subscription); without one, the whole repair in one invocation.
register(GCP_FUNCTION_NAMES.scheduledRepair, sweepTopic ? handlers.repairCoordinator : handlers.scheduledRepair);
register(GCP_FUNCTION_NAMES.repairWorker, handlers.repairWorker);
