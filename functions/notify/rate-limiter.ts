import { sleep } from '../waiting.ts';

/** Hands out permission to send, at most `burst` at once and one more every `intervalMs`. */
export interface RateLimiter {
  /** Resolves when a request may go out; rejects with the signal's reason if it aborts first. Callers queue in order. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface RateLimit {
  /** Requests allowed back to back. */
  readonly burst: number;
  /** One request's worth of budget comes back every this many milliseconds. */
  readonly intervalMs: number;
}

/**
 * Per-destination limits. Slack incoming webhooks allow about one message per second (short bursts tolerated, then
 * 429); Teams throttles a webhook that gets more than four requests in a second. Generic receivers get a polite cap.
 */
export const DEFAULT_RATE_LIMITS = {
  slack: { burst: 1, intervalMs: 1_000 },
  teams: { burst: 1, intervalMs: 250 },
  webhook: { burst: 5, intervalMs: 200 },
} as const satisfies Record<string, RateLimit>;

/**
 * A token bucket. It lives as long as the notifier, which in a Lambda or Functions host is the warm instance, so
 * back-to-back invocations share it; separate instances do not (the receiver's 429 handles what slips through).
 */
export function tokenBucket(
  limit: RateLimit,
  clock: { now: () => number; wait: (ms: number, signal?: AbortSignal) => Promise<void> } = {
    now: Date.now,
    wait: sleep,
  },
): RateLimiter {
  let tokens = limit.burst;
  let refilledAt = clock.now();
  let queue: Promise<void> = Promise.resolve();

  const refill = () => {
    const now = clock.now();
    // A full bucket earns nothing: the interval starts counting when a token is taken from it.
    if (tokens >= limit.burst) {
      refilledAt = now;
      return;
    }
    const earned = Math.floor((now - refilledAt) / limit.intervalMs);
    if (earned <= 0) return;
    tokens = Math.min(limit.burst, tokens + earned);
    refilledAt = tokens === limit.burst ? now : refilledAt + earned * limit.intervalMs;
  };

  const take = async (signal?: AbortSignal) => {
    for (;;) {
      signal?.throwIfAborted();
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await clock.wait(Math.max(1, refilledAt + limit.intervalMs - clock.now()), signal);
    }
  };

  return {
    acquire(signal) {
      const turn = queue.then(() => take(signal));
      // A caller that gave up must not block the ones behind it.
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
