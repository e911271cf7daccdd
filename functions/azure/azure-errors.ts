import { ConcurrentChangeError, LinkdnsError, TransientCloudError } from '../core/errors.ts';

/**
 * How ARM failures become linkdns decisions. The SDK pipeline has already retried throttling (429 and 503 with
 * `Retry-After`, cancellable through the request's abort signal) and transient failures; what reaches here is final
 * for this attempt.
 */

/** An ARM request failed for a reason a retry will not fix (403 AuthorizationFailed, 400 BadRequest, …). */
export class AzureRequestError extends LinkdnsError {
  readonly statusCode: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, options: { cause?: unknown; statusCode?: number; code?: string; retryable?: boolean }) {
    super(message, options);
    this.statusCode = options.statusCode;
    this.code = options.code;
  }
}

/** The HTTP status of an SDK `RestError`, if the error is one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Translates an SDK error for `what` (e.g. `PUT A * in zone x`):
 * 412 and 409 → {@link ConcurrentChangeError} (the core re-reads and re-plans), 429, 408 and 5xx or no status at all
 * (connection reset) → {@link TransientCloudError}, other ARM errors → {@link AzureRequestError}. Anything that is not
 * an SDK `RestError` (aborts, bugs) passes through.
 */
export function translateAzureError(error: unknown, what: string): unknown {
  if (error instanceof LinkdnsError) return error;
  // Only the SDK's RestError carries an ARM outcome; programming errors and aborts pass through unchanged.
  if ((error as { name?: unknown } | undefined)?.name !== 'RestError') return error;
  const status = statusOf(error);
  const code = codeOf(error);
  const detail = `${what}: ${status ?? 'no response'}${code ? ` ${code}` : ''} ${(error as Error | undefined)?.message ?? String(error)}`;
  if (status === 412 || status === 409) return new ConcurrentChangeError(detail, { cause: error });
  if (status === undefined || status === 408 || status === 429 || status >= 500) {
    return new TransientCloudError(detail, { cause: error });
  }
  const hint =
    status === 403 ? ' (the Function App identity needs Private DNS Zone Contributor / Reader, see README)' : '';
  return new AzureRequestError(`${detail}${hint}`, { cause: error, statusCode: status, ...(code ? { code } : {}) });
}
