import { isLinkdnsError, isRetryable, TransientCloudError } from './core/errors.ts';
import type { ChangeLog, Notifier } from './core/ports.ts';
import type { ReconcileDeps } from './core/reconcile.ts';
import { type ErrorSummary, type RunReport, summarizeError, summarizeRun } from './core/report.ts';

/**
 * How one function invocation ends, on every platform: what the platform is told (return or throw), what is logged,
 * and the one notification. The Azure and Google handlers settle through {@link settleInvocation}; the AWS handlers
 * share {@link retryableFailure}.
 */
export type InvocationResult =
  | { readonly outcome: 'reconciled'; readonly report: RunReport }
  | { readonly outcome: 'ignored'; readonly reason: string }
  | { readonly outcome: 'rejected'; readonly error: ErrorSummary };

export function ignored(reason: string): InvocationResult {
  return { outcome: 'ignored', reason };
}

export function reconciled(report: RunReport): InvocationResult {
  return { outcome: 'reconciled', report };
}

/** A run finished with failures a retry may fix: thrown so the platform retries (and, after that, dead-letters). */
export class RetryableRunError extends TransientCloudError {}

/** The error to throw when zones failed for reasons a retry may fix (the platform then redelivers), else undefined. */
export function retryableFailure(report: RunReport): RetryableRunError | undefined {
  const retryable = report.zones.filter((zone) => zone.outcome === 'failed' && zone.error?.retryable);
  if (retryable.length === 0) return undefined;
  return new RetryableRunError(
    `${retryable.length} zone(s) failed with retryable errors: ${retryable
      .map((zone) => `${zone.domain}: ${zone.error?.message}`)
      .join('; ')}`,
  );
}

/**
 * Runs one invocation's work and decides what the platform sees. Retryable failures (throttling, concurrent changes
 * that outlasted the retries, transient API errors) are thrown so the platform redelivers; linkdns's own
 * non-retryable errors (malformed events, refused ownership, 403) are logged and returned, because redelivering the
 * same event would fail the same way; anything else is a bug and is thrown. A reconciled run is logged once and
 * notified once — before a retryable failure is thrown, so people hear about it even while it is retried.
 */
export async function settleInvocation(
  context: { readonly log: ChangeLog; readonly notifier?: Notifier | undefined; readonly signal: AbortSignal },
  work: () => Promise<InvocationResult>,
): Promise<InvocationResult> {
  const { log } = context;
  let result: InvocationResult;
  try {
    result = await work();
  } catch (error) {
    log.error('linkdns run failed', { error: summarizeError(error) });
    if (!isLinkdnsError(error) || isRetryable(error)) throw error;
    return { outcome: 'rejected', error: summarizeError(error) };
  }
  if (result.outcome === 'ignored') {
    log.info(`ignored: ${result.reason}`, {});
    return result;
  }
  if (result.outcome !== 'reconciled') return result;
  const { report } = result;
  log.info('linkdns run finished', { trigger: report.trigger, ...summarizeRun(report) });
  try {
    await context.notifier?.notify(report, context.signal);
  } catch (error) {
    log.error('notification failed', { error: summarizeError(error) });
  }
  const failure = retryableFailure(report);
  if (failure) throw failure;
  return result;
}

/** The core's dependencies for one invocation. */
export function reconcileDepsOf(
  deps: Pick<ReconcileDeps, 'endpoints' | 'dns' | 'config'> & { readonly now?: (() => Date) | undefined },
  log: ChangeLog,
): ReconcileDeps {
  return { endpoints: deps.endpoints, dns: deps.dns, config: deps.config, log, now: deps.now ?? (() => new Date()) };
}
