import { sleep } from '../waiting.ts';
import {
  NotificationHttpError,
  NotificationNetworkError,
  NotificationTimeoutError,
  RetryAfterTooLongError,
} from './errors.ts';

/** How a delivery retries. The decision (`shouldRetry`) and the waiting (`retryDelay`) are separate from the loop. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** First backoff step; doubles per attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this gives up instead of holding the function for minutes. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

/** True for failures a later attempt may not hit: 408, 429, 5xx, timeouts, connection errors. */
export function shouldRetry(error: unknown): boolean {
  if (error instanceof NotificationHttpError) return error.retryable;
  return error instanceof NotificationTimeoutError || (error instanceof NotificationNetworkError && error.retryable);
}

/**
 * Wait before retry number `attempt` (1 for the first retry): the receiver's `Retry-After` when it sent one,
 * otherwise exponential backoff with equal jitter (half fixed, half random) so retries spread out but still grow.
 */
export function retryDelay(
  attempt: number,
  error: unknown,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (error instanceof NotificationHttpError && error.retryAfterMs !== undefined) return error.retryAfterMs;
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly shouldRetry?: (error: unknown) => boolean;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  readonly wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each wait, e.g. to log the retry. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Runs `operation` until it succeeds, `shouldRetry` says no, or the retries are used up; every wait is cancelled by
 * `signal`. `operation` receives the attempt number (1 for the first); the result carries how many it took.
 */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<{ value: T; attempts: number }> {
  const decide = options.shouldRetry ?? shouldRetry;
  const wait = options.wait ?? sleep;
  for (let attempt = 1; ; attempt += 1) {
    options.signal?.throwIfAborted();
    try {
      return { value: await operation(attempt), attempts: attempt };
    } catch (error) {
      if (attempt > options.policy.retries || !decide(error) || options.signal?.aborted) {
        throw error;
      }
      if (
        error instanceof NotificationHttpError &&
        error.retryAfterMs !== undefined &&
        error.retryAfterMs > options.policy.maxRetryAfterMs
      ) {
        throw new RetryAfterTooLongError(error, options.policy.maxRetryAfterMs);
      }
      const delayMs = retryDelay(attempt, error, options.policy, options.random);
      options.onRetry?.({ attempt, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}
