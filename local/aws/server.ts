import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The local AWS: one HTTP server on 127.0.0.1 that the real AWS SDK clients talk to (`endpoint` override, static
 * credentials). Each service module (Route 53 REST-XML, EC2 Query) recognises its own requests and renders its own
 * errors; this file adds what every service shares: a request log and fault injection.
 */

export interface LocalRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface LocalResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface LocalAwsService {
  readonly name: string;
  /** The API operation a request asks for, or `undefined` when this service does not serve it. */
  operation(request: LocalRequest): string | undefined;
  handle(operation: string, request: LocalRequest): LocalResponse | Promise<LocalResponse>;
  /** Renders an AWS error in this service's wire format. */
  error(code: string, message: string, status: number): LocalResponse;
}

export interface LoggedRequest {
  readonly service: string;
  readonly operation: string;
  /** The request path: Route 53's REST paths name the hosted zone (`/2013-04-01/hostedzone/Z…/rrset`). */
  readonly path: string;
  readonly status: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** The request body (EC2's Query parameters, Route 53's XML), so a test can tell which resources were read. */
  readonly requestBody?: string;
  /** The query parameters (Route 53's `marker`, say), so a test can tell where a listing started. */
  readonly query?: URLSearchParams;
}

/** What the server saw, for tests and benchmarks. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  count(operation?: string): number {
    return operation ? this.entries.filter((entry) => entry.operation === operation).length : this.entries.length;
  }

  /** Calls per operation, e.g. `{ ListResourceRecordSets: 2, ChangeResourceRecordSets: 1 }`. */
  byOperation(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.entries) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
    return counts;
  }

  /** Successful calls to operations that change state. */
  writes(): LoggedRequest[] {
    return this.entries.filter((entry) => entry.status < 300 && !/^(List|Get|Describe)/.test(entry.operation));
  }

  reset(): void {
    this.entries.length = 0;
  }
}

export interface FaultRule {
  /** Operation to fail (e.g. `ChangeResourceRecordSets`); every operation when omitted. */
  readonly operation?: string;
  /**
   * Narrows the rule to the requests this accepts, e.g. those of one hosted zone:
   * `(request) => request.path.includes('/hostedzone/Z1/')`. Every request of `operation` when omitted.
   */
  readonly match?: (request: LocalRequest) => boolean;
  /** AWS error code to return, e.g. `Throttling`, `PriorRequestNotComplete`, `InternalError`. Omit for latency only. */
  readonly code?: string;
  readonly status?: number;
  readonly message?: string;
  /** Fail this many matching requests, then stop. Default: unlimited (use `rate`). */
  readonly times?: number;
  /** Fraction of matching requests to fail (0..1), drawn from a seeded generator so runs repeat. Default 1. */
  readonly rate?: number;
  /** Delay added before answering matching requests. */
  readonly latencyMs?: number;
  /**
   * Carry the request out first, then fail it: a write the service committed but answered as failed (a 5xx after
   * commit). With `reset`, the connection is dropped after the commit instead of answering (ECONNRESET).
   */
  readonly afterCommit?: boolean;
  /** Drop the connection without an answer (the client sees a reset). `code` is still required to arm the rule. */
  readonly reset?: boolean;
}

/** A fault drawn for one request. */
export interface DrawnFault {
  readonly latencyMs: number;
  readonly error?: { code: string; status: number; message: string };
  readonly afterCommit?: boolean;
  readonly reset?: boolean;
}

/** Injects AWS errors and latency into chosen operations. */
export class FaultInjector {
  private rules: { rule: FaultRule; remaining: number }[] = [];
  private seed = 42;

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault to apply to this request, consuming one use of a `times` rule. */
  take(operation: string, request?: LocalRequest): DrawnFault {
    let latencyMs = 0;
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.operation && rule.operation !== operation) continue;
      if (rule.match && !(request && rule.match(request))) continue;
      latencyMs += rule.latencyMs ?? 0;
      if (!rule.code || entry.remaining <= 0 || this.random() >= (rule.rate ?? 1)) continue;
      entry.remaining -= 1;
      return {
        latencyMs,
        error: { code: rule.code, status: rule.status ?? defaultStatus(rule.code), message: rule.message ?? rule.code },
        ...(rule.afterCommit ? { afterCommit: true } : {}),
        ...(rule.reset ? { reset: true } : {}),
      };
    }
    return { latencyMs };
  }

  private random(): number {
    // Park–Miller: deterministic, so a fault rate gives the same sequence on every run.
    this.seed = (this.seed * 16_807) % 2_147_483_647;
    return this.seed / 2_147_483_647;
  }
}

function defaultStatus(code: string): number {
  if (code === 'InternalError' || code === 'InternalFailure') return 500;
  if (code === 'ServiceUnavailable' || code === 'RequestLimitExceeded') return 503;
  return 400;
}

export interface LocalAws {
  /** Base URL for the SDK clients' `endpoint` option. */
  readonly endpoint: string;
  readonly requests: RequestLog;
  readonly faults: FaultInjector;
  close(): Promise<void>;
}

/** Starts a server for the given services on 127.0.0.1 at an ephemeral (or given) port. */
export async function startLocalAwsServer(services: readonly LocalAwsService[], port = 0): Promise<LocalAws> {
  const requests = new RequestLog();
  const faults = new FaultInjector();
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      const request: LocalRequest = {
        method: incoming.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: incoming.headers,
        body,
      };
      respond(services, request, requests, faults)
        .then((response) => {
          if (response === RESET) {
            incoming.socket.destroy();
            return;
          }
          outgoing.writeHead(response.status, {
            'content-type': 'text/xml',
            'x-amzn-requestid': randomUUID(),
            ...response.headers,
          });
          outgoing.end(response.body);
        })
        .catch((error: unknown) => {
          outgoing.writeHead(500, { 'content-type': 'text/plain' });
          outgoing.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Answer that tells the server to drop the connection. */
const RESET: LocalResponse = { status: 0, body: '' };

async function respond(
  services: readonly LocalAwsService[],
  request: LocalRequest,
  requests: RequestLog,
  faults: FaultInjector,
): Promise<LocalResponse> {
  for (const service of services) {
    const operation = service.operation(request);
    if (!operation) continue;
    const fault = faults.take(operation, request);
    // Unref'd: a request held for minutes (a server that never answers) must not keep the test process alive.
    if (fault.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs).unref());
    let response: LocalResponse;
    try {
      if (fault.error && fault.afterCommit) await service.handle(operation, request);
      response = fault.error
        ? service.error(fault.error.code, fault.error.message, fault.error.status)
        : await service.handle(operation, request);
    } catch (error) {
      response = service.error('InternalError', error instanceof Error ? error.message : String(error), 500);
    }
    if (fault.reset) {
      requests.record({
        service: service.name,
        operation,
        path: request.path,
        status: 0,
        bytesIn: Buffer.byteLength(request.body),
        bytesOut: 0,
      });
      return RESET;
    }
    requests.record({
      service: service.name,
      operation,
      path: request.path,
      status: response.status,
      bytesIn: Buffer.byteLength(request.body),
      bytesOut: Buffer.byteLength(response.body),
      requestBody: request.body,
      query: request.query,
    });
    return response;
  }
  return {
    status: 404,
    body: `<Error><Code>UnknownOperation</Code><Message>${request.method} ${request.path}</Message></Error>`,
  };
}
