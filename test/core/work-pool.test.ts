import { describe, expect, it } from 'vitest';
import { runPool, runPoolOverPages } from '../../functions/core/work-pool.ts';

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

describe('runPoolOverPages', () => {
  it('starts on the first page before the listing is done, keeps at most `limit` in flight, does every item', async () => {
    // Prepare: three pages; the last is held back until an item of the first page has been worked on
    let firstDone!: () => void;
    const firstItemDone = new Promise<void>((resolve) => {
      firstDone = resolve;
    });
    async function* pages(): AsyncGenerator<number[]> {
      yield [1, 2, 3];
      yield [4];
      await firstItemDone;
      yield [5, 6];
    }
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];

    // Act
    await runPoolOverPages(pages(), 2, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      done.push(item);
      firstDone();
    });

    // Assess
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
  });

  it('rejects when the listing fails', async () => {
    async function* pages(): AsyncGenerator<number[]> {
      yield [1];
      throw new Error('page 2 could not be listed');
    }
    await expect(runPoolOverPages(pages(), 2, async () => {})).rejects.toThrow('page 2');
  });
});
