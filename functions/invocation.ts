import { isLinkdnsError, isRetryable, TransientCloudError } from './core/errors.ts';
import type { ChangeLog, Notifier } from './core/ports.ts';
import { type ReconcileDeps, zoneStartCutoff } from './core/reconcile.ts';
import { type ErrorSummary, type RunReport, summarizeError, summarizeRun } from './core/report.ts';
import type { SweepQueued } from './core/sweep.ts';

export type { SweepQueued } from './core/sweep.ts';

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

/** What a sweep message's worker did, as its invocation's result: a batch reconciled, or what a listing queued. */
export function sweepMessageResult(done: RunReport | SweepQueued): InvocationResult | SweepQueued {
  return 'outcome' in done ? done : reconciled(done);
}

/** The time after which a sweep invocation starts no zone and lists no page: its share (default half) of the timeout. */
export function invocationShareMs(share: number | undefined, timeoutSeconds: number): number {
  return (share ?? 0.5) * timeoutSeconds * 1000;
}

/** A run finished with failures a retry may fix: thrown so the platform retries (and, after that, dead-letters). */
export class RetryableRunError extends TransientCloudError {}

/**
 * The error to throw when zones failed for reasons a retry may fix (the platform then redelivers), else undefined.
 * With `unchecked`, zones the run did not start before its cut-off count too: a sweep batch comes back whole.
 */
export function retryableFailure(
  report: RunReport,
  options: { unchecked?: boolean } = {},
): RetryableRunError | undefined {
  const retryable = report.zones.filter((zone) => zone.outcome === 'failed' && zone.error?.retryable);
  const unchecked = options.unchecked ? report.zones.filter((zone) => zone.outcome === 'not-checked') : [];
  if (retryable.length === 0 && unchecked.length === 0) return undefined;
  const failed = retryable.map((zone) => `${zone.domain}: ${zone.error?.message}`);
  return new RetryableRunError(
    [
      ...(retryable.length > 0
        ? [`${retryable.length} zone(s) failed with retryable errors: ${failed.join('; ')}`]
        : []),
      ...(unchecked.length > 0 ? [`${unchecked.length} zone(s) not checked before the cut-off`] : []),
    ].join('; '),
  );
}

/**
 * Runs one invocation's work and decides what the platform sees. Retryable failures (throttling, concurrent changes
 * that outlasted the retries, transient API errors) are thrown so the platform redelivers; linkdns's own
 * non-retryable errors (malformed events, refused ownership, 403) are logged and returned, because redelivering the
 * same event would fail the same way; anything else is a bug and is thrown. A reconciled run is logged once and
 * notified once — before a retryable failure is thrown, so people hear about it even while it is retried.
 */
export async function settleInvocation<Result extends InvocationResult | SweepQueued = InvocationResult>(
  context: {
    readonly log: ChangeLog;
    readonly notifier?: Notifier | undefined;
    readonly signal: AbortSignal;
    /** A sweep batch: zones left unchecked at the cut-off are retried too. */
    readonly retryUnchecked?: boolean;
  },
  work: () => Promise<Result | InvocationResult>,
): Promise<Result | InvocationResult> {
  const { log } = context;
  let result: Result | InvocationResult;
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
  if (result.outcome === 'sweep-started' || result.outcome === 'sweep-continued') {
    log.info(result.outcome === 'sweep-started' ? 'sweep started' : 'sweep listing carried on', { ...result });
    return result;
  }
  if (result.outcome !== 'reconciled') return result;
  const { report } = result as { readonly report: RunReport };
  log.info('linkdns run finished', { trigger: report.trigger, ...summarizeRun(report) });
  try {
    await context.notifier?.notify(report, context.signal);
  } catch (error) {
    log.error('notification failed', { error: summarizeError(error) });
  }
  const failure = retryableFailure(report, { unchecked: context.retryUnchecked ?? false });
  if (failure) throw failure;
  return result;
}

/**
 * The instant after which an invocation starts no new zone: within `startZonesWithinMs` of `now` when given (a sweep
 * batch: its share of the function timeout), else when the rest of `budgetMs` is needed for the zone in progress and
 * the notification ({@link zoneStartCutoff}).
 */
export function startZonesBefore(now: Date, budgetMs: number, startZonesWithinMs?: number): Date {
  return startZonesWithinMs === undefined
    ? zoneStartCutoff(now, budgetMs)
    : new Date(now.getTime() + Math.min(startZonesWithinMs, budgetMs));
}

/** The core's dependencies for one invocation. */
export function reconcileDepsOf(
  deps: Pick<ReconcileDeps, 'endpoints' | 'dns' | 'config'> & { readonly now?: (() => Date) | undefined },
  log: ChangeLog,
): ReconcileDeps {
  return { endpoints: deps.endpoints, dns: deps.dns, config: deps.config, log, now: deps.now ?? (() => new Date()) };
}
