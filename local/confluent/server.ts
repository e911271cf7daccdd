import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, faultControlsOf, requestLogOf } from '../json-api-server.ts';

/**
 * The local Confluent Cloud: the networking v1 API linkdns reads, on 127.0.0.1, plain HTTP JSON.
 *
 *   GET /networking/v1/networks?environment=&page_size=&page_token=                    listNetworkingV1Networks
 *   GET /networking/v1/networks/{id}?environment=                                      getNetworkingV1Network
 *   GET /networking/v1/private-link-attachments?environment=&page_size=&page_token=    listNetworkingV1PrivateLinkAttachments
 *   GET /networking/v1/private-link-attachments/{id}?environment=                      getNetworkingV1PrivateLinkAttachment
 *
 * As the published OpenAPI specification describes: HTTP Basic with a Cloud API key and secret (401
 * `user_unauthenticated` with `WWW-Authenticate`, 403 `user_unauthorized`), `environment` required (400 without),
 * paging with `page_size` (default 10, at most 1,000) and an opaque `page_token`, `metadata.next` a full URL and absent
 * on the last page, errors in the `{ "errors": [{ "id", "status", "code", "title", "detail" }] }` envelope, and 429
 * with `Retry-After` (injected). An environment the key may not read, or that does not exist, answers 403: the list
 * operations document no 404. Bodies are stored as the API returns them (see `seed.ts`).
 */

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** `networks.list`, `networks.get`, `private-link-attachments.list`, `private-link-attachments.get`. */
  readonly operation: string;
  readonly status: number;
  readonly faulted?: boolean;
}

export interface Fault {
  /** Operation as logged; any when omitted. */
  readonly operation?: string;
  /** Matching requests it applies to. Default 1. */
  readonly times?: number;
  readonly status: number;
  /** e.g. `{ 'retry-after': '1' }` */
  readonly headers?: Readonly<Record<string, string>>;
}

type Resource = Record<string, unknown> & { readonly id: string };

/** What the local Confluent Cloud holds: per environment, networks and PrivateLink attachments as API bodies. */
export class LocalConfluentState {
  readonly #environments = new Map<string, { networks: Map<string, Resource>; attachments: Map<string, Resource> }>();
  /** Cloud API keys: key → secret and the environments it may read (`*`: all). */
  readonly apiKeys = new Map<string, { secret: string; environments: readonly string[] | '*' }>();

  addEnvironment(id: string): void {
    if (!this.#environments.has(id)) this.#environments.set(id, { networks: new Map(), attachments: new Map() });
  }

  putNetwork(environment: string, network: Resource): void {
    this.addEnvironment(environment);
    this.#environments.get(environment)?.networks.set(network.id, network);
  }

  putAttachment(environment: string, attachment: Resource): void {
    this.addEnvironment(environment);
    this.#environments.get(environment)?.attachments.set(attachment.id, attachment);
  }

  /** Deletes a network or attachment, as `DELETE` finishing would. */
  remove(environment: string, id: string): boolean {
    const env = this.#environments.get(environment);
    return Boolean(env?.networks.delete(id) || env?.attachments.delete(id));
  }

  get(environment: string, kind: 'networks' | 'attachments', id: string): Resource | undefined {
    return this.#environments.get(environment)?.[kind].get(id);
  }

  list(environment: string, kind: 'networks' | 'attachments'): Resource[] | undefined {
    const env = this.#environments.get(environment);
    return env ? [...env[kind].values()].sort((a, b) => a.id.localeCompare(b.id)) : undefined;
  }
}

export interface LocalConfluent {
  /** `http://127.0.0.1:PORT`: the API base URL (`--confluent-endpoint`, `LINKDNS_CONFLUENT_ENDPOINT`). */
  readonly baseUrl: string;
  readonly state: LocalConfluentState;
  readonly requests: ReturnType<typeof requestLogOf<LoggedRequest>>;
  readonly faults: ReturnType<typeof faultControlsOf<Fault>>;
  close(): Promise<void>;
}

const KINDS = { networks: 'networks', 'private-link-attachments': 'attachments' } as const;
const LIST_KINDS = { networks: 'NetworkList', 'private-link-attachments': 'PrivateLinkAttachmentList' } as const;

/** Starts the local Confluent Cloud on 127.0.0.1 with an ephemeral port. */
export async function startLocalConfluent(): Promise<LocalConfluent> {
  const state = new LocalConfluentState();
  const entries: LoggedRequest[] = [];
  const faults: (Fault & { left: number })[] = [];
  let baseUrl = '';

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://local');
    const method = (request.method ?? 'GET').toUpperCase();
    const match = /^\/networking\/v1\/(networks|private-link-attachments)(?:\/([^/]+))?$/.exec(url.pathname);
    const collection = match?.[1] as keyof typeof KINDS | undefined;
    const operation = collection ? `${collection}.${match?.[2] ? 'get' : 'list'}` : `${method} ${url.pathname}`;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}, faulted = false) => {
      entries.push({
        method,
        path: url.pathname,
        query: url.search,
        operation,
        status,
        ...(faulted ? { faulted } : {}),
      });
      response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': randomUUID(), ...headers });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    const fail = (status: number, code: string, title: string, detail: string, headers?: Record<string, string>) =>
      send(status, { errors: [{ id: randomUUID(), status: String(status), code, title, detail }] }, headers);

    const fault = faults.find(
      (candidate) => candidate.left > 0 && (!candidate.operation || candidate.operation === operation),
    );
    if (fault) {
      fault.left -= 1;
      const body = {
        errors: [
          {
            id: randomUUID(),
            status: String(fault.status),
            code: 'injected',
            title: 'Injected fault',
            detail: `injected ${fault.status}`,
          },
        ],
      };
      send(fault.status, body, { ...fault.headers }, true);
      return;
    }
    if (!collection || method !== 'GET')
      return fail(404, 'not_found', 'Not Found', `no route ${method} ${url.pathname}`);

    const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
    const [key, ...secret] = Buffer.from(encoded ?? '', 'base64')
      .toString('utf8')
      .split(':');
    const credential = scheme === 'Basic' && key ? state.apiKeys.get(key) : undefined;
    if (!credential || credential.secret !== secret.join(':')) {
      return fail(
        401,
        'user_unauthenticated',
        'Authentication Required',
        'Valid authentication credentials must be provided',
        {
          'www-authenticate': 'Basic error="invalid_key", error_description="The API Key is invalid"',
        },
      );
    }
    const environment = url.searchParams.get('environment');
    if (!environment) return fail(400, 'invalid_filter', 'Invalid Filter', "the 'environment' filter is required");
    const kind = KINDS[collection];
    const items = state.list(environment, kind);
    if (!items || (credential.environments !== '*' && !credential.environments.includes(environment))) {
      return fail(
        403,
        'user_unauthorized',
        'User Access Unauthorized',
        `Forbidden Access to environment '${environment}'`,
      );
    }
    if (match?.[2]) {
      const item = state.get(environment, kind, match[2]);
      return item ? send(200, item) : fail(404, 'not_found', 'Not Found', `${collection} '${match[2]}' was not found`);
    }
    const pageSize = Math.min(Number(url.searchParams.get('page_size') ?? 10) || 10, 1000);
    const token = url.searchParams.get('page_token');
    const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      return fail(400, 'invalid_page_token', 'Invalid Page Token', 'page_token is not valid');
    const page = items.slice(offset, offset + pageSize);
    const link = (from: number) => {
      const next = new URL(`${baseUrl}${url.pathname}`);
      next.searchParams.set('environment', environment);
      next.searchParams.set('page_size', String(pageSize));
      if (from > 0) next.searchParams.set('page_token', Buffer.from(String(from)).toString('base64url'));
      return next.toString();
    };
    send(200, {
      api_version: 'networking/v1',
      kind: LIST_KINDS[collection],
      metadata: {
        first: link(0),
        ...(offset + pageSize < items.length ? { next: link(offset + pageSize) } : {}),
        total_size: items.length,
      },
      data: page,
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    state,
    requests: requestLogOf(entries, () => false),
    faults: faultControlsOf(faults),
    close: () => closeServer(server),
  };
}
