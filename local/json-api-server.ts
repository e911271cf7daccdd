import type { IncomingMessage, Server } from 'node:http';

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

/**
 * A write the service carried out but answered as failed (issue 12, finding 8): with `afterCommit` the request is
 * handled first — the change is committed — and only then answered with the fault's `status` (a 5xx after commit);
 * `reset` drops the connection instead of answering (the client sees ECONNRESET), after the commit when `afterCommit`.
 */
export interface CommittedFailure {
  readonly afterCommit?: boolean;
  readonly reset?: boolean;
}

/** Drops the connection of `request` without an answer. */
export function resetConnection(request: IncomingMessage): void {
  request.socket.destroy();
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
