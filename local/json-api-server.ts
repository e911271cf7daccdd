import type { Server } from 'node:http';

/**
 * What the local ARM and Google servers share: a request log tests count operations in, a list of injected faults
 * used up one match at a time, and a clean shutdown.
 */

/** A log over `entries` (which the server appends to): counts per operation and the writes. */
export function requestLogOf<Entry extends { readonly operation: string }>(
  entries: Entry[],
  isWrite: (entry: Entry) => boolean,
): { readonly entries: readonly Entry[]; counts(): Record<string, number>; writes(): Entry[]; clear(): void } {
  return {
    entries,
    counts() {
      const counts: Record<string, number> = {};
      for (const entry of entries) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
      return counts;
    },
    writes: () => entries.filter(isWrite),
    clear: () => {
      entries.length = 0;
    },
  };
}

/** Controls over `faults` (which the server consumes): each fault applies to `times` matching requests (default 1). */
export function faultControlsOf<Fault extends { readonly times?: number }>(
  faults: (Fault & { left: number })[],
): { add(fault: Fault): void; clear(): void; pending(): number } {
  return {
    add: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    clear: () => {
      faults.length = 0;
    },
    pending: () => faults.reduce((sum, fault) => sum + fault.left, 0),
  };
}

/** Closes the server, open keep-alive connections included. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
