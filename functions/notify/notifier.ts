import type { NotificationDestination } from '../core/notification-config.ts';
import type { ChangeLog, Notifier } from '../core/ports.ts';
import type { RunReport } from '../core/report.ts';
import { CHANNELS } from './channels.ts';
import { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimiter, tokenBucket } from './rate-limiter.ts';
import { redactDeep, secretRedactor } from './redaction.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from './retry.ts';
import { summarizeForDestination } from './run-summary.ts';
import type { SecretResolver } from './secrets.ts';
import { type HostLookup, resolveSafeDestination, systemLookup } from './ssrf-guard.ts';

/** Where counts go (Powertools Metrics, Application Insights, a test). */
export interface MetricsSink {
  count(name: string, value: number): void;
}

/** Metric names the notifier emits, one count per destination and run. */
export const NOTIFICATION_METRICS = {
  sent: 'NotificationsSent',
  failed: 'NotificationsFailed',
  duplicate: 'NotificationsDeduplicated',
} as const;

export interface DeliveryOptions {
  /** Per attempt. Default 5,000 ms. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly rateLimits: Readonly<Record<NotificationDestination['type'], RateLimit>>;
  /** A warm instance does not send the same outcome to the same destination twice within this window. Default 1 h. */
  readonly dedupeWindowMs: number;
  /** Extra CA certificates (PEM) to trust, for receivers behind a private CA. */
  readonly trustedCertificates: readonly string[];
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  timeoutMs: 5_000,
  retry: DEFAULT_RETRY_POLICY,
  rateLimits: DEFAULT_RATE_LIMITS,
  dedupeWindowMs: 60 * 60 * 1000,
  trustedCertificates: [],
};

export interface NotifierDeps {
  readonly secrets: SecretResolver;
  readonly log: ChangeLog;
  readonly metrics?: MetricsSink;
  /** Name resolution for the SSRF guard. Default: the system resolver. */
  readonly lookup?: HostLookup;
  readonly delivery?: Partial<DeliveryOptions>;
  readonly now?: () => Date;
  readonly random?: () => number;
}

/**
 * A notifier that tells every configured destination about a run, each through its own filter, at most one message
 * per destination and run. `notify` never throws and never rejects: a destination that cannot be reached is logged
 * (with every secret scrubbed) and counted as `NotificationsFailed`, and the DNS work it reports on stands.
 *
 * Create it once per instance (module scope in a Lambda or Function) so rate limits, the secret cache and the
 * de-duplication memory carry across warm invocations.
 *
 * @example
 * ```ts
 * const notifier = createNotifier(config.notifications, {
 *   secrets: awsSecretResolver(),
 *   log: logger,
 *   metrics: { count: (name, n) => metrics.addMetric(name, MetricUnit.Count, n) },
 * });
 * await notifier.notify(report, signal);
 * ```
 */
export function createNotifier(destinations: readonly NotificationDestination[], deps: NotifierDeps): Notifier {
  const delivery: DeliveryOptions = { ...DEFAULT_DELIVERY, ...deps.delivery };
  const now = deps.now ?? (() => new Date());
  const limiters = new Map<string, RateLimiter>(
    destinations.map((destination) => [destination.name, tokenBucket(delivery.rateLimits[destination.type])]),
  );
  const recentlySent = new Map<string, number>();

  async function notifyDestination(
    destination: NotificationDestination,
    report: RunReport,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const context = { destination: destination.name, type: destination.type };
    let redact = secretRedactor([]);
    let attempts = 0;
    let id: string | undefined;
    try {
      const summary = summarizeForDestination(report, destination);
      if (!summary) return;
      id = summary.id;
      const key = `${destination.name}\u0000${summary.id}`;
      forgetExpired(recentlySent, now().getTime());
      if (recentlySent.has(key)) {
        deps.log.info('notification for this outcome already sent or being sent; skipped', { ...context, id });
        deps.metrics?.count(NOTIFICATION_METRICS.duplicate, 1);
        return;
      }
      // Claimed before sending, so two runs reporting the same outcome at once do not both send.
      recentlySent.set(key, now().getTime() + delivery.dedupeWindowMs);

      try {
        const url = await deps.secrets.resolve(destination.url, signal);
        redact = secretRedactor([url]);
        const signingSecret = destination.signingSecret
          ? await deps.secrets.resolve(destination.signingSecret, signal)
          : undefined;
        if (signingSecret) redact = secretRedactor([url, signingSecret]);
        const target = await resolveSafeDestination(
          url,
          destination.name,
          destination,
          deps.lookup ?? systemLookup,
          signal,
        );
        const send = CHANNELS[destination.type](destination).prepare(summary, signingSecret ? { signingSecret } : {});
        const limiter = limiters.get(destination.name) ?? tokenBucket(delivery.rateLimits[destination.type]);
        await withRetries(
          async (attempt) => {
            attempts = attempt;
            await limiter.acquire(signal);
            await send({
              target,
              timeoutMs: delivery.timeoutMs,
              ...(signal ? { signal } : {}),
              trustedCertificates: delivery.trustedCertificates,
              now,
              redact,
            });
          },
          {
            policy: delivery.retry,
            ...(signal ? { signal } : {}),
            ...(deps.random ? { random: deps.random } : {}),
            onRetry: ({ attempt, delayMs, error }) =>
              deps.log.warn('notification attempt failed; retrying', {
                ...context,
                id,
                attempt,
                delayMs,
                error: redactDeep(errorFields(error), redact),
              }),
          },
        );
      } catch (error) {
        recentlySent.delete(key);
        throw error;
      }
      deps.log.info('notification sent', { ...context, id, attempts, zones: summary.zones.length });
      deps.metrics?.count(NOTIFICATION_METRICS.sent, 1);
    } catch (error) {
      deps.log.error('notification failed', {
        ...context,
        ...(id ? { id } : {}),
        attempts,
        error: redactDeep(errorFields(error), redact),
      });
      deps.metrics?.count(NOTIFICATION_METRICS.failed, 1);
    }
  }

  return {
    async notify(report, signal) {
      // Each destination catches its own failures; allSettled guards against a throwing logger or metrics sink.
      await Promise.allSettled(destinations.map((destination) => notifyDestination(destination, report, signal)));
    },
  };
}

function forgetExpired(recentlySent: Map<string, number>, now: number): void {
  for (const [key, expiresAt] of recentlySent) if (expiresAt <= now) recentlySent.delete(key);
}

/** Name, message and retryability of an error and its causes, for a log line (redacted by the caller). */
function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  if ('retryable' in error) fields.retryable = error.retryable;
  if ('status' in error && typeof error.status === 'number') fields.status = error.status;
  if (error.cause instanceof Error) fields.cause = `${error.cause.name}: ${error.cause.message}`;
  return fields;
}
