/**
 * An error answer of a Google JSON API, rendered as `{ "error": { code, message, status, errors: [{ domain, reason,
 * message }] } }` — the shape Cloud DNS and Compute return (e.g. `googleapi: Error 412: Precondition not met for
 * 'entity.change.deletions[0]', conditionNotMet`).
 */
export class LocalGoogleError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      error: {
        code: this.status,
        message: this.message,
        status: STATUS_NAMES[this.status] ?? 'UNKNOWN',
        errors: [{ domain: 'global', reason: this.reason, message: this.message }],
      },
    };
  }
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** The reason Google sends with a status when a fault names none. */
export function defaultReason(status: number): string {
  if (status === 429) return 'rateLimitExceeded';
  if (status === 412) return 'conditionNotMet';
  if (status === 409) return 'alreadyExists';
  if (status === 404) return 'notFound';
  if (status === 403) return 'forbidden';
  if (status >= 500) return 'backendError';
  return 'invalid';
}

export function invalid(message: string): LocalGoogleError {
  return new LocalGoogleError(400, 'invalid', message);
}
