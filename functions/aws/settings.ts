import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { parseProfileZoneIds } from './profile-zone-ids.ts';

/**
 * Settings the AWS functions read from their environment, once, at cold start. The CDK construct sets them
 * (infra/); every problem is reported at once, naming the variable.
 */
const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const settingsSchema = z
  .object({
    LINKDNS_CONFIG: z.string().min(1).optional(),
    LINKDNS_CONFIG_PARAMETER: z.string().min(1).optional(),
    AWS_REGION: z.string().min(1, 'is required (Lambda sets it; set it for local runs)'),
    LINKDNS_REPAIR_MODE: z.enum(['repair', 'detect-only']).default('repair'),
    LINKDNS_ROUTE53_RATE: z.coerce.number().positive().max(50).default(5),
    /**
     * Zones a repair reconciles at the same time. The Route 53 limiter (LINKDNS_ROUTE53_RATE) still bounds the calls;
     * a few zones in flight keep it busy while each waits on its own reads and writes.
     */
    LINKDNS_ZONE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    /** The fan-out queue of the repair (the construct's sweep queue): the coordinator sends batches, workers take them. */
    LINKDNS_SWEEP_QUEUE_URL: z.url().optional(),
    /** Zones per sweep message; default: what one worker checks within LINKDNS_INVOCATION_SHARE of its timeout. */
    LINKDNS_SWEEP_BATCH_ZONES: z.coerce.number().int().min(1).max(1000).optional(),
    /** Share of a function's timeout one invocation may use for zone work (the rest is slack for retries). */
    LINKDNS_INVOCATION_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
    /** The worker function's timeout, for sizing batches (the construct sets it). */
    LINKDNS_WORKER_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(900).default(900),
    /** Seconds a warm function reuses a VPC's private-zone listing across events (0: list on every event). */
    LINKDNS_ZONE_LOOKUP_TTL_SECONDS: z.coerce.number().min(0).max(900).default(60),
    LINKDNS_WRITER_ROLE_ARNS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((arn) => arn.trim())
          .filter(Boolean),
      ),
    LINKDNS_ASSUME_ROLE_NAME: z.string().min(1).optional(),
    /** The account linkdns runs in; endpoints of other accounts are read through LINKDNS_ASSUME_ROLE_NAME there. */
    LINKDNS_ACCOUNT_ID: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit account id')
      .optional(),
    /** Spoke accounts whose endpoints the scheduled repair lists too (through LINKDNS_ASSUME_ROLE_NAME). */
    LINKDNS_SPOKE_ACCOUNTS: commaList,
    /** When set, the only hosted zones linkdns reads or writes (IAM is scoped to them too). */
    LINKDNS_MANAGED_ZONE_IDS: commaList,
    /**
     * Route 53 Profiles: `api` asks the Profiles API which zones each VPC sees through its Profile
     * (`route53profiles:ListProfileAssociations` / `ListProfileResourceAssociations`); `off` for accounts where the
     * functions may not call it — then only LINKDNS_PROFILE_ZONE_IDS says so.
     */
    LINKDNS_ROUTE53_PROFILES: z.enum(['api', 'off']).default('api'),
    /** Zones VPCs see through Profiles, from configuration: `vpc-1=Z1|Z2,vpc-2=Z3`. */
    LINKDNS_PROFILE_ZONE_IDS: z
      .string()
      .default('')
      .transform((value, context) => {
        try {
          return parseProfileZoneIds(value);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** Per-attempt timeouts of every AWS SDK call (functions/request-timeouts.ts). */
    LINKDNS_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).optional(),
    LINKDNS_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().max(300_000).optional(),
    /** Points the SDK clients at a local AWS (`npm start`, `linkdns --local`); never set in a deployment. */
    LINKDNS_AWS_ENDPOINT: z.url().optional(),
    /** Confluent Cloud API base URL for discovery when the configuration names none (a local Confluent Cloud). */
    LINKDNS_CONFLUENT_ENDPOINT: z.url().optional(),
  })
  .refine((settings) => (settings.LINKDNS_CONFIG === undefined) !== (settings.LINKDNS_CONFIG_PARAMETER === undefined), {
    message: 'set exactly one of LINKDNS_CONFIG (JSON) and LINKDNS_CONFIG_PARAMETER (SSM parameter name)',
    path: ['LINKDNS_CONFIG'],
  });

export type AwsSettings = z.infer<typeof settingsSchema>;

/** @throws ConfigError listing every invalid or missing variable */
export function readAwsSettings(env: Readonly<Record<string, string | undefined>>): AwsSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      'the environment',
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}
