import { TransientCloudError } from '../core/errors.ts';
import { sleep } from '../waiting.ts';

/**
 * Retrying Route 53 calls that failed for a reason a later attempt may not hit. Route 53 answers `Throttling` (rate
 * limit) and `PriorRequestNotComplete` (a change to the same zone still being processed) with HTTP 400; both are
 * retryable with jittered exponential backoff (PRODUCT.md §6). The SDK retries some of these itself; this loop sits on
 * top of it so the number of attempts and the waits are ours, cancellable, and testable with short delays.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Upper bound of the first wait; doubles per attempt ("full jitter": the wait is uniform in [0, bound]). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 10_000 };

const RETRYABLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'PriorRequestNotComplete',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** The AWS error code of an SDK error (`Throttling`, `InvalidChangeBatch`, …); `undefined` for other errors. */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const metadata = (error as { $metadata?: unknown }).$metadata;
  const name = (error as { name?: unknown }).name;
  return metadata !== undefined && typeof name === 'string' ? name : undefined;
}

/** True for throttling, "prior request not complete", 5xx answers and dropped connections. */
export function isRetryableRoute53Error(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $metadata } = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if (name === 'AbortError') return false;
  if ((name && RETRYABLE_CODES.has(name)) || (code && RETRYABLE_NETWORK_CODES.has(code))) return true;
  return ($metadata?.httpStatusCode ?? 0) >= 500;
}

/** The wait before retry number `retry` (1 for the first retry): uniform in `[0, min(max, base · 2^(retry-1))]`. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * bound);
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly signal?: AbortSignal | undefined;
  readonly random?: () => number;
  /** Told about each retry, for logs. */
  readonly onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Runs `call` until it succeeds, fails with a non-retryable error (rethrown as is), or runs out of attempts
 * ({@link TransientCloudError}, retryable, with the last error as `cause`). Waits are cancellable.
 */
export async function withRetries<T>(operation: string, call: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    options.signal?.throwIfAborted();
    try {
      return await call();
    } catch (error) {
      if (options.signal?.aborted || !isRetryableRoute53Error(error)) throw error;
      if (attempt >= options.policy.maxAttempts) {
        throw new TransientCloudError(
          `Route 53 ${operation} still failing after ${attempt} attempts: ${awsErrorCode(error) ?? (error as Error).name}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const delayMs = backoffDelay(attempt, options.policy, options.random);
      options.onRetry?.({ operation, attempt, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}
