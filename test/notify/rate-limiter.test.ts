import { describe, expect, it } from 'vitest';
import { tokenBucket } from '../../functions/notify/rate-limiter.ts';

describe('tokenBucket', () => {
  function fakeClock() {
    let now = 0;
    const waits: number[] = [];
    return {
      waits,
      now: () => now,
      wait: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
      advance: (ms: number) => {
        now += ms;
      },
    };
  }

  it('lets a burst through, then one per interval', async () => {
    // Prepare
    const clock = fakeClock();
    const limiter = tokenBucket({ burst: 2, intervalMs: 1_000 }, clock);

    // Act
    for (let index = 0; index < 4; index += 1) await limiter.acquire();

    // Assess
    expect(clock.waits).toEqual([1_000, 1_000]);
  });

  it('does not bank time while full', async () => {
    // Prepare
    const clock = fakeClock();
    const limiter = tokenBucket({ burst: 1, intervalMs: 1_000 }, clock);

    // Act: idle for a minute, then two sends
    clock.advance(60_000);
    await limiter.acquire();
    await limiter.acquire();

    // Assess
    expect(clock.waits).toEqual([1_000]);
  });

  it('refills what elapsed between sends', async () => {
    // Prepare
    const clock = fakeClock();
    const limiter = tokenBucket({ burst: 1, intervalMs: 1_000 }, clock);

    // Act
    await limiter.acquire();
    clock.advance(600);
    await limiter.acquire();

    // Assess
    expect(clock.waits).toEqual([400]);
  });

  it('lets an aborted waiter go without blocking the queue behind it', async () => {
    // Prepare
    const limiter = tokenBucket({ burst: 1, intervalMs: 50 });
    await limiter.acquire();

    // Act
    const aborted = limiter.acquire(AbortSignal.abort(new Error('cancelled')));
    const next = limiter.acquire();

    // Assess
    await expect(aborted).rejects.toThrow('cancelled');
    await expect(next).resolves.toBeUndefined();
  });
});
