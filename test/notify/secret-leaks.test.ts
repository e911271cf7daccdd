import { afterEach, describe, expect, it } from 'vitest';
import { notificationDestinationSchema } from '../../functions/core/notification-config.ts';
import { createNotifier } from '../../functions/notify/notifier.ts';
import { envSecretResolver } from '../../functions/notify/secrets.ts';
import { captureLog, captureMetrics, type Receiver, startReceiver } from './receiver.ts';
import { createdZone, ENDPOINT_EVENT, runReport } from './reports.ts';

/**
 * Issue 12, finding 9: secrets leaked in part. A receiver's error answer was cut to 200 characters before it was
 * redacted, so a secret straddling the cut reached the log half-written; and a failed name lookup logged the
 * destination's hostname, which some receivers carry the secret in. Through the real notifier, a real HTTP receiver
 * on 127.0.0.1 and the log lines it writes.
 */

const TOKEN = 'q7RmS2vXk9LpT4wZ8nBc1dFh';
const FAST = {
  timeoutMs: 2_000,
  retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 10 },
  rateLimits: {
    slack: { burst: 10, intervalMs: 10 },
    teams: { burst: 10, intervalMs: 10 },
    webhook: { burst: 10, intervalMs: 10 },
  },
};
const report = runReport(ENDPOINT_EVENT, [createdZone()]);

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** Every run of `length` characters of `secret`: none may appear in a log. */
function fragments(secret: string, length: number): string[] {
  return Array.from({ length: secret.length - length + 1 }, (_, start) => secret.slice(start, start + length));
}

describe('secrets in notification failures', () => {
  it('redacts a receiver’s error answer before cutting it, so no part of a token straddling the cut is logged', async () => {
    // Prepare: the receiver echoes the webhook path so that the 200-character cut falls inside the token
    const path = `/services/T0001/B0002/${TOKEN}`;
    const padding = 'x'.repeat(200 - path.length + TOKEN.length / 2);
    receiver = await startReceiver((request) => ({ status: 400, body: `${padding}${request.path} no_service` }));
    const log = captureLog();
    const notifier = createNotifier(
      [
        notificationDestinationSchema.parse({
          name: 'oncall',
          type: 'slack',
          url: { env: 'SLACK_URL' },
          allowHttp: true,
          allowPrivateHosts: ['127.0.0.1'],
        }),
      ],
      {
        secrets: envSecretResolver({ SLACK_URL: `${receiver.origin}${path}` }),
        log,
        metrics: captureMetrics(),
        delivery: FAST,
      },
    );

    // Act
    await notifier.notify(report);

    // Assess
    const logged = log.text();
    expect(logged).toContain('answered with HTTP 400');
    expect(fragments(TOKEN, 6).filter((fragment) => logged.includes(fragment))).toEqual([]);
  });

  it('never names the destination host when its name does not resolve (ENOTFOUND)', async () => {
    // Prepare: a per-tenant hostname carries the secret; the resolver fails the way getaddrinfo does
    const host = `${TOKEN.toLowerCase()}.hooks.example.com`;
    const log = captureLog();
    const metrics = captureMetrics();
    const notifier = createNotifier(
      [
        notificationDestinationSchema.parse({
          name: 'oncall',
          type: 'webhook',
          url: { env: 'HOOK_URL' },
          signingSecret: { env: 'HOOK_SECRET' },
        }),
      ],
      {
        secrets: envSecretResolver({
          HOOK_URL: `https://${host}/linkdns`,
          HOOK_SECRET: `whsec_${Buffer.from('linkdns-test-signing-key-32-bytes!!').toString('base64')}`,
        }),
        log,
        metrics,
        delivery: FAST,
        lookup: async (hostname) => {
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: 'ENOTFOUND',
            syscall: 'getaddrinfo',
            hostname,
          });
        },
      },
    );

    // Act
    await notifier.notify(report);

    // Assess: the failure is explained by destination name and resolver code, never by the host
    const logged = log.text();
    expect(metrics.counts).toEqual({ NotificationsFailed: 1 });
    expect(logged).toContain('\\"oncall\\"');
    expect(logged).toContain('ENOTFOUND');
    expect(logged).not.toContain('hooks.example.com');
    expect(fragments(TOKEN.toLowerCase(), 6).filter((fragment) => logged.includes(fragment))).toEqual([]);
  });
});
