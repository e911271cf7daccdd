import { LinkdnsError } from '../core/errors.ts';

/**
 * Why a notification was not delivered. Messages name the destination, never its host or URL: the webhook URL is a
 * secret (whoever holds a Slack or Teams webhook URL can post to the channel) and must never reach a log line.
 */
export class NotificationError extends LinkdnsError {}

/** The receiver answered with a non-2xx status. `retryAfterMs` carries a parsed `Retry-After` header. */
export class NotificationHttpError extends NotificationError {
  readonly status: number;
  readonly retryAfterMs: number | undefined;

  constructor(destination: string, status: number, options: { retryAfterMs?: number; detail?: string } = {}) {
    const detail = options.detail ? `: ${options.detail}` : '';
    super(`Notification to "${destination}" was answered with HTTP ${status}${detail}`, {
      retryable: status === 408 || status === 429 || status >= 500,
    });
    this.status = status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The receiver asked to wait (`Retry-After`) longer than a run may wait; given up instead of holding the function. */
export class RetryAfterTooLongError extends NotificationError {
  constructor(cause: NotificationHttpError, maxMs: number) {
    super(`${cause.message}; its Retry-After of ${cause.retryAfterMs} ms is longer than the ${maxMs} ms a run waits`, {
      cause,
    });
  }
}

/** The receiver did not answer within the per-attempt timeout. */
export class NotificationTimeoutError extends NotificationError {
  constructor(destination: string, timeoutMs: number, options: { cause?: unknown } = {}) {
    super(`Notification to "${destination}" timed out after ${timeoutMs} ms`, { ...options, retryable: true });
  }
}

/** No HTTP answer at all: connection refused or reset, DNS failure, TLS failure. */
export class NotificationNetworkError extends NotificationError {
  constructor(destination: string, reason: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(`Notification to "${destination}" failed before an answer: ${reason}`, {
      cause: options.cause,
      retryable: options.retryable ?? true,
    });
  }
}

/**
 * The destination URL is not one linkdns may call: not https, or its host resolves to loopback, link-local
 * (the metadata service), private, CGNAT or unspecified addresses and is not in `allowPrivateHosts`.
 */
export class UnsafeDestinationError extends NotificationError {}

/** A secret could not be read, or its value has the wrong shape. The message never contains the value. */
export class SecretUnavailableError extends NotificationError {}
