/**
 * Runs `work` over `items` with at most `limit` in flight, and returns the results in the items' order. `take` is asked
 * before each item is started: when it returns false no further item is started (those are left `undefined`), which
 * is how a run stops starting zones when its time runs short. A failing item rejects the whole pool: callers that must
 * isolate failures (every zone of a run) catch inside `work`.
 *
 * Why a pool and not `Promise.all`: the rate limiter is what bounds a run's speed; a handful of zones in flight keep it
 * busy (one zone's read, plan and write are sequential), while thousands at once would only queue on the limiter
 * and hold every zone's records in memory together.
 */
export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  take: (index: number) => boolean = () => true,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length);
  let next = 0;
  let stopped = false;
  const lane = async (): Promise<void> => {
    while (!stopped && next < items.length) {
      const index = next;
      if (!take(index)) {
        stopped = true;
        return;
      }
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}

/**
 * {@link runPool} over items that arrive in pages (a listing the API pages): work on the first page's items starts
 * while the next page is being fetched, with at most `limit` in flight, instead of after the whole listing. Resolves
 * once every item is done; a failing page or item rejects, as in runPool.
 */
export async function runPoolOverPages<T>(
  pages: AsyncIterable<readonly T[]>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const waiting: T[] = [];
  let listed = false;
  let wake: (() => void)[] = [];
  const wakeAll = () => {
    for (const resume of wake.splice(0)) resume();
  };
  const feed = (async () => {
    try {
      for await (const page of pages) {
        waiting.push(...page);
        wakeAll();
      }
    } finally {
      listed = true;
      wakeAll();
    }
  })();
  const lane = async (): Promise<void> => {
    for (;;) {
      if (waiting.length > 0) {
        await work(waiting.shift() as T);
        continue;
      }
      if (listed) return;
      await new Promise<void>((resume) => wake.push(resume));
    }
  };
  await Promise.all([feed, ...Array.from({ length: Math.max(1, Math.floor(limit)) }, lane)]);
  wake = [];
}
