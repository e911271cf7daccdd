import { z } from 'zod';
import { type LinkdnsConfig, parseConfig } from '../core/config.ts';
import { ConfigError } from '../core/errors.ts';

/** The names the deployment (infra/gcp/README.md) and the code share: function entry points. */
export const GCP_FUNCTION_NAMES = {
  /** Eventarc, Cloud Audit Logs: `compute.googleapis.com` forwarding-rule insert / delete. */
  endpointEvents: 'forwardingRuleEvents',
  /** Eventarc, Cloud Audit Logs: `dns.googleapis.com` `dns.changes.create` in the managed zones. */
  zoneEvents: 'cloudDnsRecordEvents',
  /** Cloud Scheduler → Pub/Sub → Eventarc: the scheduled repair's coordinator (publishes the sweep). */
  scheduledRepair: 'scheduledRepair',
  /** Pub/Sub (`google.cloud.pubsub.topic.v1.messagePublished`) on the sweep topic: one batch per message. */
  repairWorker: 'repairWorker',
} as const;

/** Cloud Functions timeout the deployment sets (`--timeout=300s` in deploy-gcp.sh; a test keeps both equal). */
export const FUNCTION_TIMEOUT_SECONDS = 300;

/** Environment variables the functions read. Secrets for notifications are further variables named in `LINKDNS_CONFIG`. */
export const GCP_ENVIRONMENT = {
  /** linkdns configuration as JSON (functions/core/config.ts). */
  config: 'LINKDNS_CONFIG',
  /** Project of the PSC endpoints (forwarding rules); falls back to `GOOGLE_CLOUD_PROJECT`. */
  project: 'LINKDNS_GCP_PROJECT',
  /** Comma-separated further projects whose forwarding rules are listed too. */
  endpointProjects: 'LINKDNS_GCP_ENDPOINT_PROJECTS',
  /** Project of the Cloud DNS managed zones (e.g. the Shared VPC host); default: the endpoint project. */
  dnsProject: 'LINKDNS_GCP_DNS_PROJECT',
  /** Comma-separated regions to list forwarding rules in; empty: the aggregated list (every region). */
  regions: 'LINKDNS_GCP_REGIONS',
  /** Email of the functions' service account, to recognise linkdns's own zone writes in audit logs. */
  serviceAccount: 'LINKDNS_SERVICE_ACCOUNT',
  /** `true`: the scheduled run only reports drift (dry run) instead of repairing it. */
  repairDetectOnly: 'LINKDNS_REPAIR_DETECT_ONLY',
  /**
   * Comma-separated `number=id` pairs (`123456789012=acme-prod`): audit logs may name a project by number, while
   * ownership registries record forwarding rules by project id. Most entries carry the id in `resource.labels`; this
   * map covers those that do not.
   */
  projectNumbers: 'LINKDNS_GCP_PROJECT_NUMBERS',
  /** Topic id of the repair's sweep in the functions' project; unset: the schedule runs the whole repair itself. */
  sweepTopic: 'LINKDNS_SWEEP_TOPIC',
  /**
   * The worker trigger's Pub/Sub subscription on the sweep topic, `projects/{project}/subscriptions/{id}` as
   * `gcloud eventarc triggers describe … --format='value(transport.pubsub.subscription)'` prints it (or the id alone,
   * in the functions' project). deploy-gcp.sh sets it; the coordinator starts no sweep while it has a backlog. Unset:
   * a sweep starts on every tick.
   */
  sweepSubscription: 'LINKDNS_SWEEP_SUBSCRIPTION',
  /**
   * Google API requests per minute each instance may send (a token bucket in the API client). deploy-gcp.sh sets it so
   * that all functions' instances together stay within the deployment's share of the Cloud DNS quota; unset: no limit.
   */
  requestsPerMinute: 'LINKDNS_GCP_REQUESTS_PER_MINUTE',
  /** Share of the function timeout one sweep batch is sized for and may start zones in. Default 0.5. */
  invocationShare: 'LINKDNS_INVOCATION_SHARE',
  /** Zones per sweep message; default: what one worker checks within the share at its request rate. */
  sweepBatchZones: 'LINKDNS_SWEEP_BATCH_ZONES',
  /** Local cloud only: `http://127.0.0.1:PORT` replaces the Google API hosts (and a static token the credentials). */
  apiRoot: 'LINKDNS_GCP_API_ROOT',
} as const;

export interface GcpSettings {
  readonly config: LinkdnsConfig;
  readonly project: string;
  readonly endpointProjects: readonly string[];
  readonly dnsProject: string;
  readonly regions: readonly string[];
  readonly serviceAccount: string | undefined;
  readonly repairDetectOnly: boolean;
  /** Project number → project id (`LINKDNS_GCP_PROJECT_NUMBERS`). */
  readonly projectIds: ReadonlyMap<string, string>;
  /** `projects/{project}/topics/{sweep topic}`; undefined: no fan-out. */
  readonly sweepTopic: string | undefined;
  /** `projects/{project}/subscriptions/{id}` of the worker's trigger; undefined: no hold-back. */
  readonly sweepSubscription: string | undefined;
  /** Per-instance Google API rate; undefined: no client-side limit. */
  readonly requestsPerMinute: number | undefined;
  readonly invocationShare: number;
  readonly sweepBatchZones: number | undefined;
  /** Set only for the local cloud. */
  readonly apiRoot: string | undefined;
}

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/**
 * A subscription id: starts with a letter, 3–255 letters, digits, `-_.~+%`, not starting with `goog` (Pub/Sub
 * "Resource names"); alone or in its full name.
 */
const SUBSCRIPTION =
  /^(?:projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/subscriptions\/)?((?!goog)[a-zA-Z][-\w.~+%]{2,254})$/;
const REGION = /^[a-z]+-[a-z]+\d+$/;
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

const settingsSchema = z.object({
  [GCP_ENVIRONMENT.config]: z.string({ error: 'is required (linkdns configuration as JSON)' }).min(1),
  [GCP_ENVIRONMENT.project]: z.string().regex(PROJECT_ID, 'must be a project id').optional(),
  GOOGLE_CLOUD_PROJECT: z.string().regex(PROJECT_ID, 'must be a project id').optional(),
  [GCP_ENVIRONMENT.endpointProjects]: z
    .string()
    .refine((value) => list(value).every((project) => PROJECT_ID.test(project)), 'must be comma-separated project ids')
    .optional(),
  [GCP_ENVIRONMENT.dnsProject]: z.string().regex(PROJECT_ID, 'must be a project id').optional(),
  [GCP_ENVIRONMENT.regions]: z
    .string()
    .refine(
      (value) => list(value).every((region) => REGION.test(region)),
      'must be comma-separated regions (us-central1)',
    )
    .optional(),
  [GCP_ENVIRONMENT.serviceAccount]: z.email('must be the service account email').optional(),
  [GCP_ENVIRONMENT.repairDetectOnly]: z.enum(['true', 'false']).optional(),
  [GCP_ENVIRONMENT.projectNumbers]: z
    .string()
    .refine(
      (value) => list(value).every((pair) => /^\d+=[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(pair)),
      'must be comma-separated number=project-id pairs (123456789012=acme-prod)',
    )
    .optional(),
  [GCP_ENVIRONMENT.sweepTopic]: z
    .string()
    .regex(/^[a-zA-Z][-\w.~+%]{2,254}$/, 'must be a Pub/Sub topic id')
    .optional(),
  [GCP_ENVIRONMENT.sweepSubscription]: z
    .string()
    .regex(SUBSCRIPTION, {
      error: (issue) =>
        `must be a Pub/Sub subscription id or projects/{project}/subscriptions/{id}, not ${JSON.stringify(issue.input)}`,
    })
    .optional(),
  [GCP_ENVIRONMENT.requestsPerMinute]: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1 (the deployment allows too many instances for its share of the quota)')
    .optional(),
  [GCP_ENVIRONMENT.invocationShare]: z.coerce.number().gt(0).max(1).optional(),
  [GCP_ENVIRONMENT.sweepBatchZones]: z.coerce.number().int().min(1).max(1000).optional(),
  [GCP_ENVIRONMENT.apiRoot]: z
    .string()
    .regex(
      /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/,
      'must be a loopback http://HOST:PORT (local cloud only)',
    )
    .optional(),
});

/**
 * Reads the environment once, at module scope, and fails loudly: a {@link ConfigError} lists every missing or invalid
 * variable, and every problem in `LINKDNS_CONFIG`, at once.
 */
export function readGcpSettings(env: Readonly<Record<string, string | undefined>>): GcpSettings {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = settingsSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const project = present[GCP_ENVIRONMENT.project] ?? present.GOOGLE_CLOUD_PROJECT;
  if (!project) problems.push(`${GCP_ENVIRONMENT.project}: is required (project of the PSC endpoints)`);
  if (present[GCP_ENVIRONMENT.sweepSubscription] && !present[GCP_ENVIRONMENT.sweepTopic]) {
    // The subscription only holds back the coordinator's sweeps; without a topic there are none, so it is a mistake.
    problems.push(`${GCP_ENVIRONMENT.sweepSubscription}: is set but ${GCP_ENVIRONMENT.sweepTopic} is not`);
  }
  let config: LinkdnsConfig | undefined;
  const rawConfig = present[GCP_ENVIRONMENT.config];
  if (rawConfig) {
    try {
      config = parseConfig(rawConfig, GCP_ENVIRONMENT.config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => `${GCP_ENVIRONMENT.config} ${problem}`));
    }
  }
  if (!parsed.success || !config || !project || problems.length > 0) throw new ConfigError('environment', problems);
  const data = parsed.data;
  return {
    config,
    project,
    endpointProjects: [...new Set([project, ...list(data[GCP_ENVIRONMENT.endpointProjects])])],
    dnsProject: data[GCP_ENVIRONMENT.dnsProject] ?? project,
    regions: list(data[GCP_ENVIRONMENT.regions]),
    serviceAccount: data[GCP_ENVIRONMENT.serviceAccount]?.toLowerCase(),
    repairDetectOnly: data[GCP_ENVIRONMENT.repairDetectOnly] === 'true',
    projectIds: new Map(list(data[GCP_ENVIRONMENT.projectNumbers]).map((pair) => pair.split('=') as [string, string])),
    sweepTopic: data[GCP_ENVIRONMENT.sweepTopic] && `projects/${project}/topics/${data[GCP_ENVIRONMENT.sweepTopic]}`,
    sweepSubscription: subscriptionName(data[GCP_ENVIRONMENT.sweepSubscription], project),
    requestsPerMinute: data[GCP_ENVIRONMENT.requestsPerMinute],
    invocationShare: data[GCP_ENVIRONMENT.invocationShare] ?? 0.5,
    sweepBatchZones: data[GCP_ENVIRONMENT.sweepBatchZones],
    apiRoot: data[GCP_ENVIRONMENT.apiRoot],
  };
}

/** `projects/{project}/subscriptions/{id}` of a validated setting; a bare id is in the functions' project. */
function subscriptionName(value: string | undefined, project: string): string | undefined {
  const match = value === undefined ? null : SUBSCRIPTION.exec(value);
  if (!match) return undefined;
  return `projects/${match[1] ?? project}/subscriptions/${match[2]}`;
}
