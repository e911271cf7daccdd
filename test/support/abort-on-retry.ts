import type { ChangeLog } from '../../functions/core/ports.ts';

/**
 * A change log that aborts `controller` with `reason` at the first retry an adapter logs. Adapters log a retry just
 * before they wait (backoff or `Retry-After`), so the abort lands in that wait however slow the machine is, where a
 * timer could fire while the request is still out and abort the request instead. `retries` holds what was logged.
 */
export function abortOnFirstRetry(
  controller: AbortController,
  reason: Error,
): { log: ChangeLog; retries: Record<string, unknown>[] } {
  const retries: Record<string, unknown>[] = [];
  const log: ChangeLog = {
    info: () => undefined,
    error: () => undefined,
    warn: (_message, attributes = {}) => {
      retries.push(attributes);
      controller.abort(reason);
    },
  };
  return { log, retries };
}
