import { createHmac } from 'node:crypto';
import { SecretUnavailableError } from './errors.ts';

/**
 * Signing per the Standard Webhooks convention (standardwebhooks.com): the sender computes an HMAC-SHA256 over
 * `<webhook-id>.<webhook-timestamp>.<body>` with the base64-decoded part of a `whsec_…` secret and sends
 * `webhook-signature: v1,<base64 signature>`. Receivers verify with any Standard Webhooks library and reject
 * timestamps older than their tolerance (5 minutes by default), which stops replays of captured requests.
 */

export interface StandardWebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decodes a `whsec_<base64>` signing secret into the HMAC key.
 *
 * @throws SecretUnavailableError when the secret is not of that shape or outside the convention's 24–64 bytes;
 *   the message names the destination, never the value
 */
export function signingKey(secret: string, destination: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length < 24 || key.length > 64) {
    throw new SecretUnavailableError(
      `Signing secret of "${destination}" must be whsec_ followed by 24 to 64 base64-encoded bytes`,
    );
  }
  return key;
}

/**
 * Headers for one delivery attempt. The id stays the same across attempts and replays of the same outcome; the
 * timestamp is the attempt's, so a retry hours later is not refused as stale.
 *
 * @example
 * ```ts
 * const headers = signStandardWebhook({ id: 'msg_1f…', timestamp: new Date(), body, key: signingKey(secret, 'ops') });
 * ```
 */
export function signStandardWebhook(input: {
  readonly id: string;
  readonly timestamp: Date;
  readonly body: string;
  readonly key: Buffer;
}): StandardWebhookHeaders {
  const seconds = Math.floor(input.timestamp.getTime() / 1000);
  const signature = createHmac('sha256', input.key).update(`${input.id}.${seconds}.${input.body}`).digest('base64');
  return { 'webhook-id': input.id, 'webhook-timestamp': String(seconds), 'webhook-signature': `v1,${signature}` };
}
