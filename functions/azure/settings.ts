import { z } from 'zod';
import { type LinkdnsConfig, parseConfig } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';

/**
 * The names the Azure deployment shares between code and the ARM template (`infra/azure/azuredeploy.json`); a test
 * checks that both agree.
 */
export const AZURE_FUNCTION_NAMES = {
  /** Event Grid: private endpoint write/delete (`Microsoft.Resources.ResourceWriteSuccess` / `ResourceDeleteSuccess`). */
  endpointEvents: 'privateEndpointEvents',
  /** Event Grid: record-set writes and deletes in the managed Private DNS zones. */
  zoneEvents: 'privateDnsRecordEvents',
  /** Timer: the scheduled repair's coordinator, which fans the sweep out through the sweep queue. */
  scheduledRepair: 'scheduledRepair',
  /** Storage queue trigger: the repair's worker, one batch of the sweep per message. */
  repairWorker: 'repairWorker',
} as const;

/**
 * The Storage queue of the repair fan-out (created by the ARM template in the app's storage account, reached through
 * the `AzureWebJobsStorage` identity-based connection). A message that keeps failing is moved by the Functions host to
 * `<queue>-poison` after `extensions.queues.maxDequeueCount` attempts (host.json).
 */
export const SWEEP_QUEUE = { name: 'linkdns-sweep', poison: 'linkdns-sweep-poison', connection: 'AzureWebJobsStorage' };

/**
 * The identity-based `AzureWebJobsStorage` connection's settings the coordinator reads to see the sweep queue's depth:
 * the account (set by the template), or the queue service URI itself (another cloud, a local queue service).
 */
export const STORAGE_CONNECTION_SETTINGS = {
  accountName: 'AzureWebJobsStorage__accountName',
  queueServiceUri: 'AzureWebJobsStorage__queueServiceUri',
} as const;

/** host.json `functionTimeout` in seconds (a test keeps both equal). */
export const FUNCTION_TIMEOUT_SECONDS = 300;

/** App settings the functions read. Secrets for notifications are further settings named in `LINKDNS_CONFIG`. */
export const AZURE_APP_SETTINGS = {
  /** linkdns configuration as JSON (functions/core/config.ts). */
  config: 'LINKDNS_CONFIG',
  subscriptionId: 'AZURE_SUBSCRIPTION_ID',
  /** Subscription of the Private DNS zones when it is not the endpoints' (the hub's connectivity subscription). */
  dnsSubscriptionId: 'LINKDNS_DNS_SUBSCRIPTION_ID',
  /** Resource group holding the Private DNS zones. */
  dnsResourceGroup: 'LINKDNS_DNS_RESOURCE_GROUP',
  /** Comma-separated resource groups to list private endpoints in; empty: the whole subscription. */
  endpointResourceGroups: 'LINKDNS_ENDPOINT_RESOURCE_GROUPS',
  /** Object (principal) id of the Function App's managed identity, to recognise linkdns's own zone writes. */
  identityObjectId: 'LINKDNS_IDENTITY_OBJECT_ID',
  /** NCRONTAB schedule of the repair run, read by the timer binding as `%LINKDNS_REPAIR_SCHEDULE%`. */
  repairSchedule: 'LINKDNS_REPAIR_SCHEDULE',
  /** `true`: the scheduled run only reports drift (dry run) instead of repairing it. */
  repairDetectOnly: 'LINKDNS_REPAIR_DETECT_ONLY',
  /**
   * ARM requests per hour each instance may send (a token bucket in front of both SDK clients). The template sets it
   * so that `maximumInstanceCount` instances together stay within the deployment's share of the tightest documented
   * limit (Private DNS reads); unset: no client-side limit.
   */
  armRequestsPerHour: 'LINKDNS_ARM_REQUESTS_PER_HOUR',
  /** Share of the function timeout one sweep batch is sized for and may start zones in. Default 0.5. */
  invocationShare: 'LINKDNS_INVOCATION_SHARE',
  /** Zones per sweep message; default: what one worker checks within the share at its request rate. */
  sweepBatchZones: 'LINKDNS_SWEEP_BATCH_ZONES',
} as const;

/**
 * Local cloud only, never an app setting of a deployment: `http://127.0.0.1:PORT` replaces
 * `https://management.azure.com` (and a static token the credentials), as `LINKDNS_AWS_ENDPOINT` and
 * `LINKDNS_GCP_API_ROOT` do for the other clouds; `linkdns plan --cloud azure` against `local/azure` uses it.
 */
export const AZURE_LOCAL_API_ROOT = 'LINKDNS_AZURE_API_ROOT';

export const DEFAULT_REPAIR_SCHEDULE = '0 */15 * * * *';

export interface AzureSettings {
  readonly config: LinkdnsConfig;
  readonly subscriptionId: string;
  /** Subscription of the Private DNS zones; the endpoints' subscription unless set. */
  readonly dnsSubscriptionId: string;
  readonly dnsResourceGroup: string;
  readonly endpointResourceGroups: readonly string[];
  readonly identityObjectId: string | undefined;
  readonly repairDetectOnly: boolean;
  /** Set only for the local cloud. */
  readonly apiRoot: string | undefined;
  /** Per-instance ARM rate; undefined: no client-side limit. */
  readonly armRequestsPerHour: number | undefined;
  readonly invocationShare: number;
  readonly sweepBatchZones: number | undefined;
  /** The sweep queue's service (`https://{account}.queue.core.windows.net`); undefined: no depth check. */
  readonly queueServiceUri: string | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const settingsSchema = z.object({
  [AZURE_APP_SETTINGS.config]: z.string({ error: 'is required (linkdns configuration as JSON)' }).min(1),
  [AZURE_APP_SETTINGS.subscriptionId]: z
    .string({ error: 'is required' })
    .regex(GUID, 'must be a subscription id (GUID)'),
  [AZURE_APP_SETTINGS.dnsSubscriptionId]: z.string().regex(GUID, 'must be a subscription id (GUID)').optional(),
  [AZURE_APP_SETTINGS.dnsResourceGroup]: z
    .string({ error: 'is required (resource group of the Private DNS zones)' })
    .regex(/^[-\w._()]{1,90}$/, 'must be a resource group name'),
  [AZURE_APP_SETTINGS.endpointResourceGroups]: z.string().optional(),
  [AZURE_APP_SETTINGS.identityObjectId]: z.string().regex(GUID, 'must be an object id (GUID)').optional(),
  [AZURE_APP_SETTINGS.repairDetectOnly]: z.enum(['true', 'false']).optional(),
  [AZURE_LOCAL_API_ROOT]: z
    .string()
    .regex(
      /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/,
      'must be a loopback http://HOST:PORT (local cloud only)',
    )
    .optional(),
  [AZURE_APP_SETTINGS.armRequestsPerHour]: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1 (the deployment allows too many instances for its share of the ARM limit)')
    .optional(),
  [AZURE_APP_SETTINGS.invocationShare]: z.coerce.number().gt(0).max(1).optional(),
  [AZURE_APP_SETTINGS.sweepBatchZones]: z.coerce.number().int().min(1).max(1000).optional(),
  [STORAGE_CONNECTION_SETTINGS.accountName]: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/, 'must be a storage account name')
    .optional(),
  [STORAGE_CONNECTION_SETTINGS.queueServiceUri]: z.url().optional(),
});

/**
 * Reads the app settings once, at module scope, and fails loudly: a {@link ConfigError} lists every missing or
 * invalid setting, and every problem in `LINKDNS_CONFIG`, at once.
 */
export function readAzureSettings(env: Readonly<Record<string, string | undefined>>): AzureSettings {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = settingsSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  let config: LinkdnsConfig | undefined;
  const rawConfig = present[AZURE_APP_SETTINGS.config];
  if (rawConfig) {
    try {
      config = parseConfig(rawConfig, AZURE_APP_SETTINGS.config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => `${AZURE_APP_SETTINGS.config} ${problem}`));
    }
  }
  if (!parsed.success || !config || problems.length > 0) throw new ConfigError('app settings', problems);
  const data = parsed.data;
  return {
    config,
    subscriptionId: data[AZURE_APP_SETTINGS.subscriptionId],
    dnsSubscriptionId: data[AZURE_APP_SETTINGS.dnsSubscriptionId] ?? data[AZURE_APP_SETTINGS.subscriptionId],
    dnsResourceGroup: data[AZURE_APP_SETTINGS.dnsResourceGroup],
    endpointResourceGroups: (data[AZURE_APP_SETTINGS.endpointResourceGroups] ?? '')
      .split(',')
      .map((group) => group.trim())
      .filter((group) => group.length > 0),
    identityObjectId: data[AZURE_APP_SETTINGS.identityObjectId]?.toLowerCase(),
    repairDetectOnly: data[AZURE_APP_SETTINGS.repairDetectOnly] === 'true',
    apiRoot: data[AZURE_LOCAL_API_ROOT],
    armRequestsPerHour: data[AZURE_APP_SETTINGS.armRequestsPerHour],
    invocationShare: data[AZURE_APP_SETTINGS.invocationShare] ?? 0.5,
    sweepBatchZones: data[AZURE_APP_SETTINGS.sweepBatchZones],
    queueServiceUri:
      data[STORAGE_CONNECTION_SETTINGS.queueServiceUri] ??
      (data[STORAGE_CONNECTION_SETTINGS.accountName] &&
        `https://${data[STORAGE_CONNECTION_SETTINGS.accountName]}.queue.core.windows.net`),
  };
}
