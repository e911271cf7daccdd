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
    /**
     * `changes`: anything changed, drifted, conflicted or failed; `drift`: drift detected, and what a repair (scheduled
     * run, zone-edit event) changed or found in conflict; `errors`: what needs a person — failures and conflicts.
     */
    filter: notificationFilterSchema.default('changes'),
    /** Also send a message ("no changes") for runs where every zone was already right. */
    notifyUnchanged: z.boolean().default(false),
    /** Hostnames (exact, case-insensitive) allowed although they resolve to loopback, link-local or private ranges. */
    allowPrivateHosts: z.array(z.string().min(1)).default([]),
    /** Allow plain http to the hosts in allowPrivateHosts (e.g. a receiver inside the VPC); never to other hosts. */
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
    if (destination.allowHttp && destination.allowPrivateHosts.length === 0) {
      context.addIssue({
        code: 'custom',
        message: 'allowHttp applies only to hosts in allowPrivateHosts; list the private receiver there',
        path: ['allowHttp'],
      });
    }
  });

export type NotificationDestination = z.infer<typeof notificationDestinationSchema>;
