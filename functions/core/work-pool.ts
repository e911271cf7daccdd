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
