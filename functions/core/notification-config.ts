import { z } from 'zod';

/**
 * Where a secret comes from. Webhook URLs and signing secrets are never written into the configuration itself:
 * on AWS they live in SSM Parameter Store (SecureString) or Secrets Manager, on Azure in app settings
 * (Key Vault references), locally in environment variables.
 */
export const secretRefSchema = z.union([
  z.object({ ssmParameter: z.string().min(1) }).strict(),
  z.object({ secretsManager: z.string().min(1) }).strict(),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

export const notificationFilterSchema = z.enum(['changes', 'drift', 'errors']);

export const notificationDestinationSchema = z
  .object({
    name: z.string().min(1),
    type: z.enum(['slack', 'teams', 'webhook']),
    url: secretRefSchema,
    /** Standard Webhooks signing secret (`whsec_…`); required for `webhook`. */
    signingSecret: secretRefSchema.optional(),
    /** `changes`: anything changed, drifted, conflicted or failed; `drift`: drift repairs only; `errors`: failures only. */
    filter: notificationFilterSchema.default('changes'),
    /** Also send a message for runs that changed nothing. */
    notifyUnchanged: z.boolean().default(false),
    /** Hosts allowed although they resolve to loopback, link-local or private ranges (SSRF guard). */
    allowPrivateHosts: z.array(z.string().min(1)).default([]),
    /** Allow plain http (only sensible together with allowPrivateHosts, e.g. for local receivers). */
    allowHttp: z.boolean().default(false),
  })
  .strict()
  .superRefine((destination, context) => {
    if (destination.type === 'webhook' && !destination.signingSecret) {
      context.addIssue({
        code: 'custom',
        message: 'a webhook destination needs signingSecret',
        path: ['signingSecret'],
      });
    }
  });

export type NotificationDestination = z.infer<typeof notificationDestinationSchema>;
