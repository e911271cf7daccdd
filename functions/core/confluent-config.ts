import { z } from 'zod';
import { secretRefSchema } from './notification-config.ts';

/**
 * Confluent Cloud discovery in the configuration: which environments to read networks and PrivateLink attachments
 * from, and where the Cloud API key and secret live (only a reference, like notification secrets: SSM Parameter Store
 * or Secrets Manager on AWS, app settings / environment variables elsewhere).
 */
export const confluentDiscoverySchema = z
  .object({
    environments: z.array(z.string().regex(/^env-[a-z0-9]+$/, 'must be a Confluent environment id (env-…)')).min(1),
    /** Default: the environment variables the Confluent Terraform provider reads. */
    apiKey: secretRefSchema.default({ env: 'CONFLUENT_CLOUD_API_KEY' }),
    apiSecret: secretRefSchema.default({ env: 'CONFLUENT_CLOUD_API_SECRET' }),
    /** API base URL. Default `https://api.confluent.cloud` (or `LINKDNS_CONFLUENT_ENDPOINT`). */
    endpoint: z.url().optional(),
    /** How long a warm instance reuses a discovery before asking Confluent again. Default 300 s. */
    cacheSeconds: z.number().int().min(0).max(3600).default(300),
  })
  .strict();

export type ConfluentDiscoveryConfig = z.infer<typeof confluentDiscoverySchema>;
