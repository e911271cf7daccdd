import { sleep } from './waiting.ts';

export interface RequestLimiterOptions {
  /** Sustained rate: tokens added per second. */
  readonly requestsPerSecond: number;
  /** Bucket size: requests allowed at once after a quiet period. Default: one second's worth (at least 1). */
  readonly burst?: number;
  /** Monotonic clock in milliseconds; injected by tests. */
  readonly now?: () => number;
}

/**
 * A client-side token bucket in front of a cloud API (Route 53, ARM, Cloud DNS), shared by every call of one process.
 * Route 53's account limit is itself a token bucket (PRODUCT.md §6: burst 50, refill 10/s, plus per-action buckets);
 * staying under a limit on our side turns would-be throttling answers into short local waits, which is cheaper than
 * backing off after the fact — and with a bounded number of instances it keeps a whole deployment within its budget.
 *
 * Each caller reserves a token and waits until it is due, so waiting callers are served in order. A cancelled wait
 * hands its token back.
 *
 * @example
 * const limiter = new RequestLimiter({ requestsPerSecond: 10, burst: 10 });
 * await limiter.acquire(signal); // then send the request
 */
export class RequestLimiter {
  readonly requestsPerSecond: number;
  readonly burst: number;
  private readonly now: () => number;
  private tokens: number;
  private updatedAt: number;

  constructor(options: RequestLimiterOptions) {
    if (!(options.requestsPerSecond > 0)) throw new RangeError('requestsPerSecond must be positive');
    this.requestsPerSecond = options.requestsPerSecond;
    this.burst = Math.max(1, options.burst ?? Math.ceil(options.requestsPerSecond));
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.updatedAt = this.now();
  }

  /** Resolves when the caller may send one request; rejects with the signal's reason if it aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = (-this.tokens / this.requestsPerSecond) * 1000;
    try {
      await sleep(Math.ceil(waitMs), signal);
    } catch (error) {
      this.tokens += 1;
      throw error;
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.requestsPerSecond);
    this.updatedAt = now;
  }
}
