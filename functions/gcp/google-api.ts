import { LinkdnsError, TransientCloudError } from '../core/errors.ts';
import type { ChangeLog } from '../core/ports.ts';
import type { RequestLimiter } from '../request-limiter.ts';
import { DEFAULT_REQUEST_TIMEOUTS, type RequestTimeouts } from '../request-timeouts.ts';
import { parseRetryAfter, sleep } from '../waiting.ts';

/**
 * The narrow HTTP slice the Google adapters use: Cloud DNS v1 and Compute v1 are plain JSON REST APIs, so one small
 * client serves both, against the real APIs (bearer token from google-auth-library) or the local cloud (`local/gcp`).
 */

/** One HTTP exchange with a Google JSON API. `body` is the parsed JSON (`undefined` for an empty body). */
export interface GoogleApiResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: unknown;
}

/** Sends one request. Production: {@link fetchTransport}; tests may pass a fake. */
export interface GoogleApiTransport {
  request(method: string, url: string, body: unknown, signal?: AbortSignal): Promise<GoogleApiResponse>;
}

/** Where bearer tokens come from. `GoogleAuth` from google-auth-library satisfies it as it is. */
export interface AccessTokenSource {
  getAccessToken(): Promise<string | null | undefined>;
}

/** Production API roots; a local cloud replaces them with its own base URL. */
export const GOOGLE_API_ROOTS = {
  dns: 'https://dns.googleapis.com',
  compute: 'https://compute.googleapis.com',
  pubsub: 'https://pubsub.googleapis.com',
  monitoring: 'https://monitoring.googleapis.com',
} as const;

/**
 * `pubsub` and `monitoring` only for the repair coordinator, which publishes the sweep and reads the previous sweep's
 * backlog (default: Google's).
 */
export type GoogleApiRoots = {
  readonly dns: string;
  readonly compute: string;
  readonly pubsub?: string;
  readonly monitoring?: string;
};

/** The scope linkdns asks tokens for (Cloud DNS read-write and Compute read are both inside it). */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** A token source that always hands out the same token: for the local cloud, which only checks that one is sent. */
export function staticToken(token: string): AccessTokenSource {
  return { getAccessToken: async () => token };
}

/**
 * HTTP over the global `fetch` with a bearer token per request (google-auth-library caches and refreshes it). Each
 * request, answer body included, must finish within `timeouts.requestMs` (fetch's own connect timeout is 10 s and it
 * has no request timeout); one that does not becomes a retryable {@link GoogleApiError} with reason `timeout`.
 *
 * @example
 * const transport = fetchTransport(new GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE] }));
 */
export function fetchTransport(
  tokens: AccessTokenSource,
  fetchImpl: typeof fetch = fetch,
  timeouts: Pick<RequestTimeouts, 'requestMs'> = DEFAULT_REQUEST_TIMEOUTS,
): GoogleApiTransport {
  return {
    async request(method, url, body, signal) {
      const token = await tokens.getAccessToken();
      if (!token) throw new GoogleApiError(`No access token for ${method} ${url}`, { status: 401, reason: 'noToken' });
      const deadline = AbortSignal.timeout(timeouts.requestMs);
      try {
        return await send(method, url, body, token, signal ? AbortSignal.any([signal, deadline]) : deadline);
      } catch (error) {
        if (!deadline.aborted || signal?.aborted) throw error;
        throw new GoogleApiError(`${method} ${new URL(url).pathname}: no answer within ${timeouts.requestMs} ms`, {
          status: 0,
          reason: 'timeout',
          cause: error,
          retryable: true,
        });
      }
    },
  };

  async function send(
    method: string,
    url: string,
    body: unknown,
    token: string,
    signal: AbortSignal,
  ): Promise<GoogleApiResponse> {
    const response = await fetchImpl(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal,
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }
}

/**
 * A Google API answered with an error. `reason` is `error.errors[0].reason` (`conditionNotMet`, `alreadyExists`,
 * `notFound`, `rateLimitExceeded`, …), the field Google's JSON APIs put the machine-readable cause in.
 */
export class GoogleApiError extends LinkdnsError {
  readonly status: number;
  readonly reason: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { status: number; reason?: string; retryAfterMs?: number; cause?: unknown; retryable?: boolean },
  ) {
    super(message, options);
    this.status = options.status;
    this.reason = options.reason;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * Reasons Google's JSON APIs send with 403 although the request is only throttled. (`quotaExceeded` is not one: on
 * Cloud DNS it means a resource quota such as record sets per zone, which waiting does not lift.)
 */
const THROTTLING_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

/** True for answers a later attempt may not get: 429, 5xx, 408, and 403 with a rate-limit reason. */
export function isRetryableStatus(status: number, reason?: string): boolean {
  return (
    status === 429 ||
    status === 408 ||
    status >= 500 ||
    (status === 403 && reason !== undefined && THROTTLING_REASONS.has(reason))
  );
}

export interface GoogleRetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Upper bound of the first wait without `Retry-After`; doubles per attempt (full jitter). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this gives up at once instead of holding the function. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_GOOGLE_RETRY: GoogleRetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

export interface GoogleApiClientOptions {
  readonly transport: GoogleApiTransport;
  readonly roots?: GoogleApiRoots;
  readonly retry?: Partial<GoogleRetryPolicy>;
  readonly log?: ChangeLog;
  /** Jitter source; injected by tests. */
  readonly random?: () => number;
  /**
   * The instance's request budget: every attempt of every call waits for a token first (retries included), so an
   * instance never sends more than its share of the Cloud DNS quota (deploy-gcp.sh sets the rate). Compute and Pub/Sub
   * calls spend tokens too, which keeps the bound conservative.
   */
  readonly limiter?: RequestLimiter;
}

/**
 * Calls Google JSON APIs with cancellable, jittered retries: 429, 5xx, 408, rate-limit 403s and dropped connections
 * are retried, honouring `Retry-After` (seconds or an HTTP date); after the last attempt they become
 * {@link TransientCloudError} (retryable, so the function's trigger redelivers). Every other error answer becomes a
 * {@link GoogleApiError} at once for the adapter to translate.
 */
export class GoogleApiClient {
  readonly roots: GoogleApiRoots;
  readonly #transport: GoogleApiTransport;
  readonly #policy: GoogleRetryPolicy;
  readonly #log: ChangeLog | undefined;
  readonly #random: () => number;
  readonly #limiter: RequestLimiter | undefined;

  constructor(options: GoogleApiClientOptions) {
    this.#transport = options.transport;
    this.roots = options.roots ?? GOOGLE_API_ROOTS;
    this.#policy = { ...DEFAULT_GOOGLE_RETRY, ...options.retry };
    this.#log = options.log;
    this.#random = options.random ?? Math.random;
    this.#limiter = options.limiter;
  }

  /**
   * One API call, retried as described on the class. Resolves to the parsed JSON body of a 2xx answer.
   *
   * @param operation the API method for messages and logs, e.g. `changes.create`
   */
  async call<T>(operation: string, method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      signal?.throwIfAborted();
      await this.#limiter?.acquire(signal);
      let error: GoogleApiError;
      try {
        const response = await this.#transport.request(method, url, body, signal);
        if (response.status >= 200 && response.status < 300) return response.body as T;
        error = apiError(operation, response);
      } catch (thrown) {
        if (signal?.aborted) throw thrown;
        if (thrown instanceof GoogleApiError && thrown.reason === 'timeout') error = thrown;
        else if (isConnectionFailure(thrown)) {
          error = new GoogleApiError(`${operation}: ${(thrown as Error).message}`, {
            status: 0,
            reason: 'connectionFailed',
            cause: thrown,
            retryable: true,
          });
        } else throw thrown;
      }
      if (!error.retryable) throw error;
      if (attempt >= this.#policy.maxAttempts) {
        throw new TransientCloudError(`${error.message} (still failing after ${attempt} attempts)`, { cause: error });
      }
      if (error.retryAfterMs !== undefined && error.retryAfterMs > this.#policy.maxRetryAfterMs) {
        throw new TransientCloudError(
          `${error.message} (Retry-After ${Math.round(error.retryAfterMs / 1000)} s is longer than linkdns waits)`,
          { cause: error },
        );
      }
      const delayMs = error.retryAfterMs ?? backoff(attempt, this.#policy, this.#random);
      this.#log?.warn(`Google API ${operation} throttled or failed; retrying`, {
        attempt,
        delayMs,
        status: error.status,
        reason: error.reason,
      });
      await sleep(delayMs, signal);
    }
  }
}

/** Uniform in `[0, min(max, base · 2^(attempt-1))]` ("full jitter"). */
function backoff(attempt: number, policy: GoogleRetryPolicy, random: () => number): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; errors?: { reason?: string; message?: string }[] };
}

/** The error a non-2xx answer stands for; the body is Google's `{ "error": { code, message, errors[] } }`. */
function apiError(operation: string, response: GoogleApiResponse): GoogleApiError {
  const detail = (response.body as GoogleErrorBody | undefined)?.error;
  const reason = detail?.errors?.[0]?.reason ?? detail?.status;
  const message = detail?.message ?? (typeof response.body === 'string' ? response.body : 'no error message');
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after') ?? undefined);
  return new GoogleApiError(`${operation}: ${response.status}${reason ? ` ${reason}` : ''}: ${message}`, {
    status: response.status,
    ...(reason ? { reason } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    retryable: isRetryableStatus(response.status, reason),
  });
}

/** `fetch` rejects with a `TypeError` when the connection fails (reset, refused, DNS); aborts are not failures. */
function isConnectionFailure(error: unknown): boolean {
  return error instanceof TypeError && (error as Error).name !== 'AbortError';
}

/** The HTTP status of a {@link GoogleApiError}; `undefined` for anything else. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof GoogleApiError ? error.status : undefined;
}
