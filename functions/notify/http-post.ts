import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { FetchFunction } from '@slack/webhook';
import { NotificationNetworkError, NotificationTimeoutError } from './errors.ts';
import type { PinnedDestination } from './ssrf-guard.ts';

/** What came back. The body is cut at {@link MAX_ANSWER_BYTES}: only error details are ever read from it. */
export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface PostOptions {
  /** Destination name for error messages (never the URL). */
  readonly destination: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Per attempt, connect to last byte. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Extra trusted CA certificates (PEM), for receivers behind a private CA. The public roots stay trusted. */
  readonly trustedCertificates?: readonly string[];
}

export const MAX_ANSWER_BYTES = 64 * 1024;

/** TLS failures that another attempt will hit again. */
const PERMANENT_TLS_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
]);

/**
 * POSTs to a destination the SSRF guard approved, connecting to the address the guard checked (never re-resolving
 * the name), with TLS verified against the hostname, no redirects followed, and a timeout per attempt.
 *
 * @throws NotificationTimeoutError when the timeout fires, NotificationNetworkError when no answer arrives, or the
 *   caller's abort reason when `signal` aborts
 */
export function postPinned(target: PinnedDestination, options: PostOptions): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const secure = target.url.protocol === 'https:';
  const client = secure ? https : http;
  const body = Buffer.from(options.body, 'utf8');

  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      if (options.signal?.aborted) reject(options.signal.reason);
      else if (timeout.aborted) reject(new NotificationTimeoutError(options.destination, options.timeoutMs));
      else {
        // The code only: Node's messages name the host or address (`connect ECONNREFUSED 10.0.0.5:443`, `Host: x. is
        // not in the cert's altnames`), and destination hosts are treated as secret. No `cause` for the same reason.
        const code = (error as { code?: string }).code ?? (error as Error).name;
        reject(
          new NotificationNetworkError(options.destination, code, {
            retryable: !PERMANENT_TLS_CODES.has(code),
          }),
        );
      }
    };
    const request = client.request(
      {
        method: 'POST',
        protocol: target.url.protocol,
        host: target.hostname,
        port: target.url.port || (secure ? 443 : 80),
        path: `${target.url.pathname}${target.url.search}`,
        headers: { ...options.headers, host: target.url.host, 'content-length': String(body.length) },
        lookup: pinnedLookup(target),
        agent: false,
        signal,
        ...(secure && isIP(target.hostname) === 0 ? { servername: target.hostname } : {}),
        ...(secure && options.trustedCertificates?.length
          ? { ca: [...rootCertificates, ...options.trustedCertificates] }
          : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - size));
          size += chunk.length;
        });
        response.on('error', fail);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: flattenHeaders(response.headers),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', fail);
    request.end(body);
  });
}

/** Answers every lookup with the guard's address (both the single and the `all` callback forms Node uses). */
function pinnedLookup(target: PinnedDestination): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as LookupFunction;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * A `fetch` for `@slack/webhook`'s IncomingWebhook that goes through {@link postPinned}, and hands each answer to
 * `onAnswer` — the library's HTTP error keeps the status and body but drops the headers, and `Retry-After` is needed.
 */
export function pinnedFetch(
  target: PinnedDestination,
  options: Omit<PostOptions, 'headers' | 'body'>,
  onAnswer: (answer: HttpAnswer) => void,
): FetchFunction {
  return async (url, init) => {
    if (String(url) !== target.url.href) {
      throw new NotificationNetworkError(options.destination, 'the client asked for a URL the guard did not check', {
        retryable: false,
      });
    }
    const answer = await postPinned(target, {
      ...options,
      headers: init?.headers ?? {},
      body: typeof init?.body === 'string' ? init.body : '',
    });
    onAnswer(answer);
    return fetchResponse(answer);
  };
}

function fetchResponse(answer: HttpAnswer): Awaited<ReturnType<FetchFunction>> {
  const headers = new Headers(answer.headers);
  return {
    ok: answer.status >= 200 && answer.status < 300,
    status: answer.status,
    statusText: answer.statusText,
    url: '',
    headers,
    arrayBuffer: async () => new TextEncoder().encode(answer.body).buffer as ArrayBuffer,
    json: async () => JSON.parse(answer.body),
    text: async () => answer.body,
  };
}
