import { app, output } from '@azure/functions';
import { DefaultAzureCredential } from '@azure/identity';
import { confluentRunConfig } from '../confluent/run-config.ts';
import { createNotifier } from '../notify/notifier.ts';
import { envSecretResolver } from '../notify/secrets.ts';
import { createAzureAdapters } from './adapters.ts';
import { createAzureHandlers } from './handlers.ts';
import {
  AZURE_APP_SETTINGS,
  AZURE_FUNCTION_NAMES,
  DEFAULT_REPAIR_SCHEDULE,
  readAzureSettings,
  SWEEP_QUEUE,
} from './settings.ts';
import { storageQueueDepth } from './storage-queue-depth.ts';

/**
 * The Azure Functions app (v4 programming model): two Event Grid triggers, the repair's coordinator (timer, writing the
 * sweep queue through an output binding) and its worker (Storage queue trigger, writing the batches of a zone listing
 * it carries on through the same binding) over one set of adapters,
 * configured once from app settings at module load. A missing or invalid setting fails the host start with every
 * problem listed.
 */
const settings = readAzureSettings(process.env);
// Managed identity in Azure; developer credentials (az login, environment) elsewhere.
const credential = new DefaultAzureCredential();

// Confluent Cloud discovery, when configured: the Cloud API key and secret are app settings (`{ "env": … }`).
const runConfig = confluentRunConfig(settings.config, {
  secrets: envSecretResolver(process.env),
  endpoint: process.env.LINKDNS_CONFLUENT_ENDPOINT,
});

const { endpoints, dns } = createAzureAdapters(settings, credential, { currentConfig: runConfig.current });

// Secrets are app settings (Key Vault references resolved by the platform), read through `{ "env": … }` references.
// Notification failures are logged to the host log (Application Insights) and never fail the DNS work.
const notifier = createNotifier(settings.config.notifications, {
  secrets: envSecretResolver(process.env),
  log: {
    info: (message, attributes) => console.info(message, JSON.stringify(attributes ?? {})),
    warn: (message, attributes) => console.warn(message, JSON.stringify(attributes ?? {})),
    error: (message, attributes) => console.error(message, JSON.stringify(attributes ?? {})),
  },
});

// The sweep queue, through the identity-based `AzureWebJobsStorage` connection (AzureWebJobsStorage__accountName).
const sweepQueue = output.storageQueue({ queueName: SWEEP_QUEUE.name, connection: SWEEP_QUEUE.connection });

// The queue's depth, so a sweep starts only once the previous one is done (Storage Queue Data Contributor).
const sweepBacklog = settings.queueServiceUri
  ? storageQueueDepth({ serviceUri: settings.queueServiceUri, queue: SWEEP_QUEUE.name, credential })
  : undefined;

export const handlers = createAzureHandlers({
  endpoints,
  dns,
  settings,
  notifier,
  runConfig,
  sweepQueue,
  ...(sweepBacklog ? { sweepBacklog } : {}),
});

app.eventGrid(AZURE_FUNCTION_NAMES.endpointEvents, { handler: handlers.privateEndpointEvents });
app.eventGrid(AZURE_FUNCTION_NAMES.zoneEvents, { handler: handlers.privateDnsRecordEvents });
app.timer(AZURE_FUNCTION_NAMES.scheduledRepair, {
  schedule: process.env[AZURE_APP_SETTINGS.repairSchedule]
    ? `%${AZURE_APP_SETTINGS.repairSchedule}%`
    : DEFAULT_REPAIR_SCHEDULE,
  handler: handlers.repairCoordinator,
  extraOutputs: [sweepQueue],
});
// Retries and the poison queue come from host.json (`extensions.queues`): a batch that keeps failing is moved to
// `linkdns-sweep-poison` after `maxDequeueCount` attempts, and the other batches go on meanwhile.
// The worker writes to the sweep queue as well: the batches of a zone listing it carried on from the coordinator.
app.storageQueue(AZURE_FUNCTION_NAMES.repairWorker, {
  queueName: SWEEP_QUEUE.name,
  connection: SWEEP_QUEUE.connection,
  handler: handlers.repairWorker,
  extraOutputs: [sweepQueue],
});
