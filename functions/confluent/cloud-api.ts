import { LinkdnsError, TransientCloudError } from '../core/errors.ts';
import type { ChangeLog } from '../core/ports.ts';
import { parseRetryAfter, sleep } from '../waiting.ts';
import { failureDetails, parseListPage } from './networking-wire.ts';

/**
 * A small client for Confluent Cloud's management API (`https://api.confluent.cloud`): HTTP Basic with a Cloud API
 * key and secret, list paging through `metadata.next`, cancellable jittered backoff on 429 (honouring `Retry-After`,
 * as the API reference's "Rate Limiting" section asks) and 5xx, and a timeout per request.
 */

export const CONFLUENT_API_ROOT = 'https://api.confluent.cloud';

export interface ConfluentCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

export interface ConfluentClientOptions {
  readonly credentials: ConfluentCredentials;
  /** API base URL. Default {@link CONFLUENT_API_ROOT}; a local Confluent Cloud in tests and the demo. */
  readonly baseUrl?: string;
  /** Items per page (the API allows up to 1,000; its default is 10). Default 100. */
  readonly pageSize?: number;
  /** Per request. Default 10 s. */
  readonly timeoutMs?: number;
  /** Attempts per request in all. Default 4. */
  readonly maxAttempts?: number;
  /** A `Retry-After` longer than this gives up at once instead of holding the function. Default 30 s. */
  readonly maxRetryAfterMs?: number;
  /** Upper bound of the first backoff without `Retry-After`; doubles per attempt (full jitter). Default 500 ms. */
  readonly baseDelayMs?: number;
  readonly fetch?: typeof fetch;
  readonly log?: ChangeLog;
  readonly random?: () => number;
}

/** Confluent Cloud refused the credentials (401) or the principal's access (403). Retrying does not help. */
export class ConfluentAuthError extends LinkdnsError {}

/** Confluent Cloud answered with an error a retry will not fix (400, 404, 422, …). */
export class ConfluentApiError extends LinkdnsError {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** Confluent Cloud could not be reached or kept failing (5xx, 429 past the retries, timeouts). Retryable. */
export class ConfluentUnavailableError extends TransientCloudError {}

/** The list operations discovery needs. */
export interface ConfluentNetworkingApi {
  /** Every item of a networking v1 list in an environment, page after page. */
  listAll(path: string, environment: string, signal?: AbortSignal): Promise<unknown[]>;
  /** Requests sent so far, retries included: the cost figure of a run. */
  readonly requests: number;
}

export class ConfluentCloudClient implements ConfluentNetworkingApi {
  readonly baseUrl: string;
  #requests = 0;
  readonly #options: ConfluentClientOptions;
  readonly #authorization: string;

  constructor(options: ConfluentClientOptions) {
    this.#options = options;
    this.baseUrl = (options.baseUrl ?? CONFLUENT_API_ROOT).replace(/\/+$/, '');
    this.#authorization = `Basic ${Buffer.from(`${options.credentials.apiKey}:${options.credentials.apiSecret}`).toString('base64')}`;
  }

  get requests(): number {
    return this.#requests;
  }

  /**
   * Follows `metadata.next` until there is none. Only the `page_token` of a `next` link is used, against this client's
   * own base URL, so the credentials never go to a host the response names.
   */
  async listAll(path: string, environment: string, signal?: AbortSignal): Promise<unknown[]> {
    const items: unknown[] = [];
    let pageToken: string | undefined;
    for (let page = 1; ; page += 1) {
      const url = new URL(`${this.baseUrl}${path}`);
      url.searchParams.set('environment', environment);
      url.searchParams.set('page_size', String(this.#options.pageSize ?? 100));
      if (pageToken) url.searchParams.set('page_token', pageToken);
      const body = await this.#get(url, `${path}?environment=${environment}`, signal);
      const parsed = parseListPage(body, `GET ${path}`);
      items.push(...parsed.items);
      const next = parsed.next ? new URL(parsed.next, this.baseUrl).searchParams.get('page_token') : null;
      if (!next) return items;
      if (next === pageToken || page >= 1000) {
        throw new ConfluentApiError(`GET ${path}: paging does not advance (page_token ${next})`, 200);
      }
      pageToken = next;
    }
  }

  async #get(url: URL, what: string, signal: AbortSignal | undefined): Promise<unknown> {
    const maxAttempts = this.#options.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt += 1) {
      signal?.throwIfAborted();
      const timeout = AbortSignal.timeout(this.#options.timeoutMs ?? 10_000);
      let failure: { message: string; retryAfterMs?: number; cause?: unknown };
      try {
        this.#requests += 1;
        const response = await (this.#options.fetch ?? fetch)(url, {
          headers: { authorization: this.#authorization, accept: 'application/json' },
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        const body = await readJson(response);
        if (response.ok) return body;
        const details = failureDetails(body);
        const detail = details.length > 0 ? `: ${details.join('; ')}` : '';
        if (response.status === 401) {
          throw new ConfluentAuthError(
            `Confluent Cloud rejected the Cloud API key (401${detail}) on GET ${what}: check CONFLUENT_CLOUD_API_KEY and ` +
              'CONFLUENT_CLOUD_API_SECRET (or the secret the configuration names)',
          );
        }
        if (response.status === 403) {
          throw new ConfluentAuthError(
            `Confluent Cloud refused GET ${what} (403${detail}): the environment does not exist or the API key's ` +
              'principal may not read its networks (it needs at least the NetworkViewer role there)',
          );
        }
        if (response.status !== 429 && response.status < 500) {
          throw new ConfluentApiError(
            `Confluent Cloud answered ${response.status} to GET ${what}${detail}`,
            response.status,
          );
        }
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after') ?? undefined);
        failure = {
          message: `Confluent Cloud answered ${response.status} to GET ${what}${detail}`,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      } catch (error) {
        if (error instanceof LinkdnsError || signal?.aborted) throw error;
        const timedOut = timeout.aborted;
        failure = {
          message: timedOut
            ? `GET ${what} timed out after ${this.#options.timeoutMs ?? 10_000} ms`
            : `GET ${what} failed: ${(error as Error).message}`,
          cause: error,
        };
      }
      const cause = failure.cause === undefined ? {} : { cause: failure.cause };
      if (attempt >= maxAttempts) {
        throw new ConfluentUnavailableError(`${failure.message} (still failing after ${attempt} attempts)`, cause);
      }
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > (this.#options.maxRetryAfterMs ?? 30_000)) {
        throw new ConfluentUnavailableError(
          `${failure.message} (Retry-After ${Math.round(failure.retryAfterMs / 1000)} s is longer than linkdns waits)`,
          cause,
        );
      }
      const base = this.#options.baseDelayMs ?? 500;
      const delayMs =
        failure.retryAfterMs ?? Math.round((this.#options.random ?? Math.random)() * base * 2 ** (attempt - 1));
      this.#options.log?.warn('Confluent Cloud throttled or failed; retrying', { attempt, delayMs, what });
      await sleep(delayMs, signal);
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
