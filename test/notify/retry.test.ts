import { describe, expect, it } from 'vitest';
import {
  NotificationHttpError,
  NotificationNetworkError,
  NotificationTimeoutError,
  RetryAfterTooLongError,
  UnsafeDestinationError,
} from '../../functions/notify/errors.ts';
import { DEFAULT_RETRY_POLICY, retryDelay, shouldRetry, withRetries } from '../../functions/notify/retry.ts';
import { parseRetryAfter, sleep } from '../../functions/waiting.ts';

describe('shouldRetry', () => {
  it.each([
    ['429', new NotificationHttpError('d', 429), true],
    ['408', new NotificationHttpError('d', 408), true],
    ['500', new NotificationHttpError('d', 500), true],
    ['503', new NotificationHttpError('d', 503), true],
    ['400', new NotificationHttpError('d', 400), false],
    ['403', new NotificationHttpError('d', 403), false],
    ['404', new NotificationHttpError('d', 404), false],
    ['410', new NotificationHttpError('d', 410), false],
    ['a timeout', new NotificationTimeoutError('d', 100), true],
    ['a connection reset', new NotificationNetworkError('d', 'ECONNRESET'), true],
    ['a certificate error', new NotificationNetworkError('d', 'CERT', { retryable: false }), false],
    ['an unsafe destination', new UnsafeDestinationError('no'), false],
    ['an unknown error', new Error('boom'), false],
  ] as const)('%s → %s', (_name, error, expected) => {
    expect(shouldRetry(error)).toBe(expected);
  });
});

describe('retryDelay', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('grows exponentially with jitter between half and the whole step, capped', () => {
    // Act
    const low = [1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, new Error(), policy, () => 0));
    const high = [1, 2, 3, 4, 5].map((attempt) => retryDelay(attempt, new Error(), policy, () => 1));

    // Assess
    expect(low).toEqual([50, 100, 200, 400, 500]);
    expect(high).toEqual([100, 200, 400, 800, 1_000]);
  });

  it('uses Retry-After when the receiver sent one', () => {
    expect(retryDelay(1, new NotificationHttpError('d', 429, { retryAfterMs: 7_000 }), policy, () => 0)).toBe(7_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T06:00:00Z');
  it.each([
    ['1', 1_000],
    [' 30 ', 30_000],
    ['0', 0],
    ['Sun, 01 Mar 2026 06:00:05 GMT', 5_000],
    ['Sun, 01 Mar 2026 05:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('withRetries', () => {
  const policy = { retries: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 50 };

  it('retries retryable failures and reports the attempts', async () => {
    // Prepare
    let calls = 0;
    const delays: number[] = [];

    // Act
    const result = await withRetries(
      async () => {
        calls += 1;
        if (calls < 3) throw new NotificationHttpError('d', 503);
        return 'done';
      },
      { policy, onRetry: ({ delayMs }) => delays.push(delayMs) },
    );

    // Assess
    expect(result).toEqual({ value: 'done', attempts: 3 });
    expect(delays).toHaveLength(2);
  });

  it('stops at the first failure shouldRetry refuses', async () => {
    // Prepare
    let calls = 0;

    // Act
    const failure = withRetries(
      async () => {
        calls += 1;
        throw new NotificationHttpError('d', 400);
      },
      { policy },
    );

    // Assess
    await expect(failure).rejects.toThrow(/HTTP 400/);
    expect(calls).toBe(1);
  });

  it('gives up after the configured retries with the last error', async () => {
    // Prepare
    let calls = 0;

    // Act
    const failure = withRetries(
      async () => {
        calls += 1;
        throw new NotificationTimeoutError('d', 5);
      },
      { policy },
    );

    // Assess
    await expect(failure).rejects.toBeInstanceOf(NotificationTimeoutError);
    expect(calls).toBe(3);
  });

  it('refuses to wait longer than maxRetryAfterMs', async () => {
    // Act
    const failure = withRetries(
      async () => {
        throw new NotificationHttpError('d', 429, { retryAfterMs: 60_000 });
      },
      { policy },
    );

    // Assess
    await expect(failure).rejects.toBeInstanceOf(RetryAfterTooLongError);
  });

  it('accepts a custom shouldRetry', async () => {
    // Prepare
    let calls = 0;

    // Act
    await withRetries(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('custom');
      },
      { policy, shouldRetry: (error) => (error as Error).message === 'custom' },
    );

    // Assess
    expect(calls).toBe(2);
  });

  it('cancels the wait between attempts when the signal aborts', async () => {
    // Prepare
    const controller = new AbortController();
    const started = performance.now();

    // Act
    const failure = withRetries(
      async () => {
        setTimeout(() => controller.abort(new Error('out of time')), 20);
        throw new NotificationHttpError('d', 429, { retryAfterMs: 40 });
      },
      {
        policy: { ...policy, maxRetryAfterMs: 10_000 },
        signal: controller.signal,
        wait: (_ms, signal) => sleep(5_000, signal),
      },
    );

    // Assess
    await expect(failure).rejects.toThrow('out of time');
    // Before the 5 s wait was over.
    expect(performance.now() - started).toBeLessThan(4_000);
  });
});

describe('sleep', () => {
  it('rejects at once for an aborted signal', async () => {
    await expect(sleep(10_000, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});
