import { describe, expect, it } from 'vitest';
import { runPool } from '../../functions/core/work-pool.ts';

describe('runPool', () => {
  it('keeps at most `limit` items in flight and returns results in the items’ order', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const work = async (item: number) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (7 - item) * 2));
      inFlight -= 1;
      return item * 10;
    };

    // Act
    const results = await runPool([1, 2, 3, 4, 5, 6], 3, work);

    // Assess
    expect(results).toEqual([10, 20, 30, 40, 50, 60]);
    expect(most).toBe(3);
  });

  it('starts no item once `take` says stop, leaving the rest undefined', async () => {
    // Act
    const results = await runPool(
      [1, 2, 3, 4],
      2,
      async (item) => item,
      (index) => index < 2,
    );

    // Assess
    expect(results).toEqual([1, 2, undefined, undefined]);
  });
});
