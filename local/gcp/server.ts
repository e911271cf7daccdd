import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CommittedFailure,
  closeServer,
  faultControlsOf,
  requestLogOf,
  resetConnection,
} from '../json-api-server.ts';
import { CloudDnsState, type StoredChange, type StoredZone } from './cloud-dns-state.ts';
import { ComputeState, GLOBAL } from './compute-state.ts';
import { defaultReason, invalid, LocalGoogleError } from './google-errors.ts';
import { listTimeSeries } from './monitoring.ts';
import { ProjectsState, projectView } from './projects-state.ts';
import { PubSubState } from './pubsub-state.ts';

/**
 * The local Google Cloud: one HTTP server on 127.0.0.1 speaking the two JSON APIs linkdns calls, with their semantics,
 * fault injection (429 / 503 with `Retry-After`, latency, a concurrent writer before a request) and a request log.
 *
 * Cloud DNS v1 (https://cloud.google.com/dns/docs/reference/rest/v1):
 *   GET  /dns/v1/projects/{p}/managedZones[?dnsName=&maxResults=&pageToken=]         managedZones.list
 *   POST /dns/v1/projects/{p}/managedZones                                          managedZones.create
 *   GET|PATCH|DELETE /dns/v1/projects/{p}/managedZones/{zone}                       managedZones.get/patch/delete
 *   GET  /dns/v1/projects/{p}/managedZones/{zone}/rrsets[?name=&type=&pageToken=]   resourceRecordSets.list
 *   POST /dns/v1/projects/{p}/managedZones/{zone}/rrsets                            resourceRecordSets.create
 *   GET|PATCH|DELETE /dns/v1/projects/{p}/managedZones/{zone}/rrsets/{name}/{type}  resourceRecordSets.get/patch/delete
 *   POST /dns/v1/projects/{p}/managedZones/{zone}/changes                           changes.create
 *   GET  /dns/v1/projects/{p}/managedZones/{zone}/changes[?sortOrder=&pageToken=]   changes.list
 *   GET  /dns/v1/projects/{p}/managedZones/{zone}/changes/{changeId}                changes.get (pending, then done)
 * Resource Manager v3 (https://cloud.google.com/resource-manager/reference/rest/v3/projects/get):
 *   GET  /v3/projects/{projectIdOrNumber}                                             projects.get
 * Pub/Sub v1 (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/publish):
 *   POST /v1/projects/{p}/topics/{t}:publish                                          topics.publish
 *   (push delivery to the functions, retries and dead-lettering: `pubsub-state.ts`)
 * Cloud Monitoring v3 (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.timeSeries/list):
 *   GET  /v3/projects/{p}/timeSeries?filter=&interval.startTime=&interval.endTime=   timeSeries.list
 *   (a subscription's num_undelivered_messages, from the local Pub/Sub: `monitoring.ts`)
 * Compute Engine v1 (https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules):
 *   GET  /compute/v1/projects/{p}/regions/{r}/forwardingRules[?filter=&maxResults=&pageToken=]  forwardingRules.list
 *   GET  /compute/v1/projects/{p}/regions/{r}/forwardingRules/{name}                            forwardingRules.get
 *   GET  /compute/v1/projects/{p}/global/forwardingRules[/{name}]                               globalForwardingRules.list/get
 *   GET  /compute/v1/projects/{p}/aggregated/forwardingRules[?filter=&pageToken=]               forwardingRules.aggregatedList
 *
 * `{zone}` is the managed zone's name or numeric id, as on the real API. Every request needs a bearer token (401
 * otherwise); the token itself is not checked.
 */

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** API method name: `changes.create`, `forwardingRules.get`, … */
  readonly operation: string;
  readonly status: number;
  /** Parsed JSON body of writes, for assertions on what was sent. */
  readonly body?: unknown;
  /** Set when an injected fault answered the request. */
  readonly faulted?: boolean;
}

export interface RequestLog {
  readonly entries: readonly LoggedRequest[];
  /** Requests per operation, e.g. `{ 'resourceRecordSets.list': 2, 'changes.create': 1 }`. */
  counts(): Record<string, number>;
  /** Requests that change state (`POST`), faulted and failed ones included. */
  writes(): LoggedRequest[];
  clear(): void;
}

/** An injected fault: answers matching requests with an error, delays them, or runs `before` first. */
export interface Fault extends CommittedFailure {
  /** Operation as logged (`changes.create`); any when omitted. */
  readonly operation?: string;
  /** Matched against the decoded request path. */
  readonly path?: RegExp;
  /** How many matching requests it applies to. Default 1. */
  readonly times?: number;
  /** Answer with this status instead of handling the request (429, 503, …). */
  readonly status?: number;
  readonly reason?: string;
  readonly message?: string;
  /** e.g. `{ 'retry-after': '1' }` */
  readonly headers?: Readonly<Record<string, string>>;
  /** Delay before answering (or before handling, without `status`). */
  readonly latencyMs?: number;
  /** Runs before the request is handled, e.g. a concurrent writer changing the zone. */
  readonly before?: (state: LocalGcpState) => void;
}

export interface FaultInjector {
  add(fault: Fault): void;
  clear(): void;
  /** Uses of faults not spent yet. */
  pending(): number;
}

export interface LocalGcpState {
  readonly dns: CloudDnsState;
  readonly compute: ComputeState;
  /** Project id ↔ number (Resource Manager `projects.get`). */
  readonly projects: ProjectsState;
  readonly pubsub: PubSubState;
}

export interface LocalGcpOptions {
  /** Items per list page before a `nextPageToken` is returned. Default 100. */
  readonly pageSize?: number;
  /** How long a change stays `pending` at least. Default 0. */
  readonly changeDoneAfterMs?: number;
  /** How many `changes.get` answer `pending` before `done`. Default 1 (0: `done` on the first read). */
  readonly changePendingReads?: number;
}

export interface LocalGcp {
  /** `http://127.0.0.1:PORT`: the API root for both Cloud DNS and Compute. */
  readonly baseUrl: string;
  readonly state: LocalGcpState;
  readonly requests: RequestLog;
  readonly faults: FaultInjector;
  close(): Promise<void>;
}

interface Route {
  readonly operation: string;
  handle(context: RouteContext): { status: number; body: unknown };
}

interface RouteContext {
  readonly state: LocalGcpState;
  readonly url: URL;
  readonly body: Record<string, unknown> | undefined;
  readonly pageSize: number;
}

/** Starts the local Google Cloud on 127.0.0.1 with an ephemeral port. */
export async function startLocalGcp(options: LocalGcpOptions = {}): Promise<LocalGcp> {
  const state: LocalGcpState = {
    dns: new CloudDnsState({
      changeDoneAfterMs: options.changeDoneAfterMs ?? 0,
      changePendingReads: options.changePendingReads ?? 1,
    }),
    compute: new ComputeState(),
    projects: new ProjectsState(),
    pubsub: new PubSubState(),
  };
  const entries: LoggedRequest[] = [];
  const faults: (Fault & { left: number })[] = [];
  const pageSize = options.pageSize ?? 100;

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void answer(request, response, Buffer.concat(chunks).toString('utf8'));
    });
  });

  async function answer(request: IncomingMessage, response: ServerResponse, text: string): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    const path = decodeURIComponent(url.pathname);
    const method = (request.method ?? 'GET').toUpperCase();
    const route = routeOf(method, path);
    let body: Record<string, unknown> | undefined;
    const logged = {
      method,
      path,
      query: url.search,
      operation: route?.operation ?? `${method} ${path}`,
    };
    const fault = faults.find(
      (candidate) =>
        candidate.left > 0 &&
        (!candidate.operation || candidate.operation === logged.operation) &&
        (!candidate.path || candidate.path.test(path)),
    );
    try {
      body = text === '' ? undefined : parseBody(text);
      if (fault) {
        fault.left -= 1;
        // Unref'd: a request held for minutes (a server that never answers) must not keep the test process alive.
        if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs).unref());
        fault.before?.(state);
        if (fault.afterCommit && route) {
          try {
            route.handle({ state, url, body, pageSize });
          } catch {
            // The request failed on its own: nothing was committed, the fault's answer stands.
          }
        }
        if (fault.reset) {
          entries.push({ ...logged, status: 0, faulted: true, ...(body ? { body } : {}) });
          resetConnection(request);
          return;
        }
        if (fault.status !== undefined) {
          const error = new LocalGoogleError(
            fault.status,
            fault.reason ?? defaultReason(fault.status),
            fault.message ?? 'Injected fault',
            fault.headers,
          );
          entries.push({ ...logged, status: fault.status, faulted: true, ...(body ? { body } : {}) });
          sendError(response, error);
          return;
        }
      }
      if (!request.headers.authorization?.startsWith('Bearer ')) {
        throw new LocalGoogleError(401, 'required', 'Request is missing required authentication credential.');
      }
      if (!route) throw new LocalGoogleError(404, 'notFound', `No API method for ${method} ${path}`);
      const result = route.handle({ state, url, body, pageSize });
      entries.push({ ...logged, status: result.status, ...(body ? { body } : {}) });
      send(response, result.status, result.body);
    } catch (error) {
      const googleError =
        error instanceof LocalGoogleError ? error : new LocalGoogleError(500, 'backendError', (error as Error).message);
      entries.push({ ...logged, status: googleError.status, ...(body ? { body } : {}) });
      sendError(response, googleError);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    state,
    requests: requestLogOf(entries, (entry) => entry.method !== 'GET'),
    faults: faultControlsOf(faults),
    close: () => closeServer(server),
  };
}

// ── Routing ──────────────────────────────────────────────────────────────────────────────────────

function routeOf(method: string, path: string): Route | undefined {
  const dns =
    /^\/dns\/v1\/projects\/([^/]+)\/managedZones(?:\/([^/]+)(?:\/(rrsets|changes)(?:\/([^/]+)(?:\/([^/]+))?)?)?)?$/.exec(
      path,
    );
  if (dns?.[1]) return dnsRouteOf(method, dns as unknown as [string, string, string?, string?, string?, string?]);
  const publish = /^\/v1\/(projects\/[^/]+\/topics\/[^/:]+):publish$/.exec(path);
  if (publish?.[1] && method === 'POST') {
    const topic = publish[1];
    return { operation: 'topics.publish', handle: (c) => publishMessages(c, topic) };
  }
  if (method !== 'GET') return undefined;
  const timeSeries = /^\/v3\/projects\/([^/]+)\/timeSeries$/.exec(path);
  if (timeSeries?.[1]) {
    const project = timeSeries[1];
    return {
      operation: 'timeSeries.list',
      handle: (c) => listTimeSeries(c.state.pubsub, project, c.url.searchParams),
    };
  }
  const project = /^\/v3\/projects\/([^/]+)$/.exec(path);
  if (project?.[1]) {
    const idOrNumber = project[1];
    return {
      operation: 'projects.get',
      handle: (c) => ({ status: 200, body: projectView(c.state.projects.get(idOrNumber)) }),
    };
  }
  const regional = /^\/compute\/v1\/projects\/([^/]+)\/regions\/([^/]+)\/forwardingRules(?:\/([^/]+))?$/.exec(path);
  if (regional?.[1] && regional[2]) {
    const [, project, region, name] = regional as unknown as [string, string, string, string?];
    if (name) {
      return {
        operation: 'forwardingRules.get',
        handle: (c) => ({ status: 200, body: c.state.compute.forwardingRule(project, region, name) }),
      };
    }
    return {
      operation: 'forwardingRules.list',
      handle: (c) => {
        const rules = c.state.compute.forwardingRules(project, region, c.url.searchParams.get('filter') ?? undefined);
        const { items, nextPageToken } = page(c, rules);
        return {
          status: 200,
          body: {
            kind: 'compute#forwardingRuleList',
            id: `projects/${project}/regions/${region}/forwardingRules`,
            selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${region}/forwardingRules`,
            ...(items.length > 0 ? { items } : {}),
            ...(nextPageToken ? { nextPageToken } : {}),
          },
        };
      },
    };
  }
  const global = /^\/compute\/v1\/projects\/([^/]+)\/global\/forwardingRules(?:\/([^/]+))?$/.exec(path);
  if (global?.[1]) {
    // https://cloud.google.com/compute/docs/reference/rest/v1/globalForwardingRules (PSC endpoints for Google APIs)
    const [, project, name] = global as unknown as [string, string, string?];
    if (name) {
      return {
        operation: 'globalForwardingRules.get',
        handle: (c) => ({ status: 200, body: c.state.compute.forwardingRule(project, GLOBAL, name) }),
      };
    }
    return {
      operation: 'globalForwardingRules.list',
      handle: (c) => {
        const rules = c.state.compute.forwardingRules(project, GLOBAL, c.url.searchParams.get('filter') ?? undefined);
        const { items, nextPageToken } = page(c, rules);
        return {
          status: 200,
          body: {
            kind: 'compute#forwardingRuleList',
            id: `projects/${project}/global/forwardingRules`,
            selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/forwardingRules`,
            ...(items.length > 0 ? { items } : {}),
            ...(nextPageToken ? { nextPageToken } : {}),
          },
        };
      },
    };
  }
  const aggregated = /^\/compute\/v1\/projects\/([^/]+)\/aggregated\/forwardingRules$/.exec(path);
  if (aggregated?.[1]) {
    const project = aggregated[1];
    return {
      operation: 'forwardingRules.aggregatedList',
      handle: (c) => {
        const rules = c.state.compute.forwardingRules(
          project,
          undefined,
          c.url.searchParams.get('filter') ?? undefined,
        );
        const { items, nextPageToken } = page(c, rules);
        const scoped: Record<string, unknown> = {};
        for (const rule of items) {
          const key = rule.region ? `regions/${rule.region.split('/').at(-1)}` : 'global';
          const entry = (scoped[key] ?? { forwardingRules: [] }) as { forwardingRules: unknown[] };
          entry.forwardingRules.push(rule);
          scoped[key] = entry;
        }
        return {
          status: 200,
          body: {
            kind: 'compute#forwardingRuleAggregatedList',
            id: `projects/${project}/aggregated/forwardingRules`,
            items: scoped,
            ...(nextPageToken ? { nextPageToken } : {}),
          },
        };
      },
    };
  }
  return undefined;
}

// ── Pub/Sub ──────────────────────────────────────────────────────────────────────────────────────

/**
 * `projects.topics.publish`: `{ messages: [{ data (base64), attributes }] }` → `{ messageIds }`. As the reference says:
 * the topic must exist (404 NOT_FOUND), a request has 1 to 1,000 messages, and a message needs non-empty `data` or at
 * least one attribute (400 INVALID_ARGUMENT). Pub/Sub's error envelope is `{ error: { code, message, status } }`,
 * without the legacy `errors[]` of Cloud DNS and Compute.
 */
function publishMessages(context: RouteContext, topic: string): { status: number; body: unknown } {
  const fail = (code: 400 | 404, message: string) => ({
    status: code,
    body: { error: { code, message, status: code === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT' } },
  });
  if (!context.state.pubsub.hasTopic(topic))
    return fail(404, `Resource not found (resource=${topic.split('/').at(-1)}).`);
  const messages = context.body?.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return fail(
      400,
      'The value for message_count is too small. You passed 0 in the request, but the minimum value is 1.',
    );
  }
  if (messages.length > 1_000) {
    return fail(
      400,
      `The value for message_count is too large. You passed ${messages.length} in the request, but the maximum value is 1000.`,
    );
  }
  const parsed: { data?: string; attributes?: Record<string, string> }[] = [];
  for (const [index, message] of messages.entries()) {
    const { data, attributes } = (message ?? {}) as { data?: unknown; attributes?: unknown };
    if (
      data !== undefined &&
      (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0)
    ) {
      return fail(400, `Invalid value at 'messages[${index}].data' (TYPE_BYTES), Base64 decoding failed`);
    }
    const named = typeof attributes === 'object' && attributes !== null ? (attributes as Record<string, string>) : {};
    if (!data && Object.keys(named).length === 0) {
      return fail(400, 'Some messages are empty. Each message must contain non-empty data, or at least one attribute.');
    }
    parsed.push({ ...(data ? { data } : {}), attributes: named });
  }
  return { status: 200, body: { messageIds: context.state.pubsub.publish(topic, parsed) } };
}

// ── Cloud DNS ────────────────────────────────────────────────────────────────────────────────────

function listZones(context: RouteContext, project: string): { status: number; body: unknown } {
  const dnsName = context.url.searchParams.get('dnsName') ?? undefined;
  const { items, nextPageToken } = page(context, context.state.dns.zones(project, dnsName));
  return {
    status: 200,
    body: {
      kind: 'dns#managedZonesListResponse',
      managedZones: items.map(zoneView),
      ...(nextPageToken ? { nextPageToken } : {}),
    },
  };
}

function createZone(context: RouteContext, project: string): { status: number; body: unknown } {
  const body = context.body ?? {};
  const config = body.privateVisibilityConfig as { networks?: { networkUrl?: unknown }[] } | undefined;
  const networks = (config?.networks ?? []).map((network) => {
    if (
      typeof network.networkUrl !== 'string' ||
      !/\/projects\/[^/]+\/global\/networks\/[^/]+$/.test(network.networkUrl)
    ) {
      throw invalid(
        `Invalid value for 'entity.managedZone.privateVisibilityConfig.networks[].networkUrl': '${String(network.networkUrl)}'`,
      );
    }
    return network.networkUrl;
  });
  const zone = context.state.dns.createZone(project, {
    name: body.name,
    dnsName: body.dnsName,
    description: body.description,
    visibility: body.visibility,
    networks,
    labels: body.labels,
  });
  return { status: 200, body: zoneView(zone) };
}

function listRecordSets(context: RouteContext, project: string, zone: string): { status: number; body: unknown } {
  const name = context.url.searchParams.get('name') ?? undefined;
  const type = context.url.searchParams.get('type') ?? undefined;
  const records = context.state.dns.recordSets(project, zone, {
    ...(name === undefined ? {} : { name }),
    ...(type === undefined ? {} : { type }),
  });
  const { items, nextPageToken } = page(context, records);
  return {
    status: 200,
    body: { kind: 'dns#resourceRecordSetsListResponse', rrsets: items, ...(nextPageToken ? { nextPageToken } : {}) },
  };
}

function zoneView(zone: StoredZone): Record<string, unknown> {
  return {
    kind: 'dns#managedZone',
    name: zone.name,
    dnsName: zone.dnsName,
    description: zone.description,
    id: zone.id,
    nameServers: ['ns-gcp-private.googledomains.com.'],
    creationTime: zone.creationTime,
    visibility: zone.visibility,
    ...(zone.visibility === 'private'
      ? {
          privateVisibilityConfig: {
            kind: 'dns#managedZonePrivateVisibilityConfig',
            networks: zone.networks.map((networkUrl) => ({
              kind: 'dns#managedZonePrivateVisibilityConfigNetwork',
              networkUrl,
            })),
          },
        }
      : {}),
    ...(Object.keys(zone.labels).length > 0 ? { labels: zone.labels } : {}),
  };
}

/**
 * The Cloud DNS v1 methods (https://cloud.google.com/dns/docs/reference/rest/v1): managed zones, record sets by the
 * `changes` API and by the `resourceRecordSets` methods `gcloud dns record-sets create/update/delete` use (each one an
 * atomic change with the same checks), and the change history.
 */
function dnsRouteOf(
  method: string,
  [, project, zone, child, first, second]: [string, string, string?, string?, string?, string?],
): Route | undefined {
  if (!zone) {
    if (method === 'GET') return { operation: 'managedZones.list', handle: (c) => listZones(c, project) };
    if (method === 'POST') return { operation: 'managedZones.create', handle: (c) => createZone(c, project) };
    return undefined;
  }
  if (!child) {
    if (method === 'GET') {
      return {
        operation: 'managedZones.get',
        handle: (c) => ({ status: 200, body: zoneView(c.state.dns.zone(project, zone)) }),
      };
    }
    if (method === 'PATCH') return { operation: 'managedZones.patch', handle: (c) => patchZone(c, project, zone) };
    if (method === 'DELETE') {
      return {
        operation: 'managedZones.delete',
        handle: (c) => {
          c.state.dns.deleteZone(project, zone);
          return { status: 204, body: undefined };
        },
      };
    }
    return undefined;
  }
  if (child === 'changes') {
    if (!first && method === 'POST') {
      return {
        operation: 'changes.create',
        handle: (c) => ({
          status: 200,
          body: changeView(c.state.dns.applyChange(project, zone, c.body ?? {}), 'pending'),
        }),
      };
    }
    if (!first && method === 'GET') return { operation: 'changes.list', handle: (c) => listChanges(c, project, zone) };
    if (first && !second && method === 'GET') {
      return {
        operation: 'changes.get',
        handle: (c) => {
          const { change, status } = c.state.dns.readChange(project, zone, first);
          return { status: 200, body: changeView(change, status) };
        },
      };
    }
    return undefined;
  }
  if (!first) {
    if (method === 'GET')
      return { operation: 'resourceRecordSets.list', handle: (c) => listRecordSets(c, project, zone) };
    if (method === 'POST') {
      return {
        operation: 'resourceRecordSets.create',
        handle: (c) => {
          const change = c.state.dns.applyChange(project, zone, { additions: [c.body ?? {}] });
          return { status: 200, body: change.additions[0] };
        },
      };
    }
    return undefined;
  }
  if (!second) return undefined;
  const [name, type] = [first, second];
  if (method === 'GET') {
    return {
      operation: 'resourceRecordSets.get',
      handle: (c) => ({ status: 200, body: c.state.dns.recordSet(project, zone, name, type) }),
    };
  }
  if (method === 'PATCH') {
    return {
      operation: 'resourceRecordSets.patch',
      handle: (c) => {
        const existing = c.state.dns.recordSet(project, zone, name, type);
        const wanted = { ...existing, ...c.body, name: existing.name, type: existing.type };
        const change = c.state.dns.applyChange(project, zone, { deletions: [existing], additions: [wanted] });
        return { status: 200, body: change.additions[0] };
      },
    };
  }
  if (method === 'DELETE') {
    return {
      operation: 'resourceRecordSets.delete',
      handle: (c) => {
        const existing = c.state.dns.recordSet(project, zone, name, type);
        c.state.dns.applyChange(project, zone, { deletions: [existing] });
        return { status: 200, body: {} };
      },
    };
  }
  return undefined;
}

function patchZone(context: RouteContext, project: string, zone: string): { status: number; body: unknown } {
  const body = context.body ?? {};
  const config = body.privateVisibilityConfig as { networks?: { networkUrl?: unknown }[] } | undefined;
  const { before, after } = context.state.dns.patchZone(project, zone, {
    description: body.description,
    labels: body.labels,
    ...(config?.networks ? { networks: config.networks.map((network) => String(network.networkUrl)) } : {}),
  });
  // managedZones.patch answers with a finished Operation (https://cloud.google.com/dns/docs/reference/rest/v1/managedZoneOperations).
  return {
    status: 200,
    body: {
      kind: 'dns#operation',
      id: randomUUID(),
      type: 'UPDATE',
      status: 'DONE',
      startTime: new Date().toISOString(),
      user: 'local',
      zoneContext: { oldValue: zoneView(before), newValue: zoneView(after) },
    },
  };
}

function listChanges(context: RouteContext, project: string, zone: string): { status: number; body: unknown } {
  const descending = context.url.searchParams.get('sortOrder') === 'descending';
  const changes = context.state.dns.changes(project, zone);
  const { items, nextPageToken } = page(context, descending ? changes.reverse() : changes);
  return {
    status: 200,
    body: {
      kind: 'dns#changesListResponse',
      changes: items.map((change) => changeView(change, context.state.dns.statusOf(change))),
      ...(nextPageToken ? { nextPageToken } : {}),
    },
  };
}

function changeView(change: StoredChange, status: 'pending' | 'done'): Record<string, unknown> {
  return {
    kind: change.kind,
    id: change.id,
    startTime: change.startTime,
    status,
    additions: change.additions,
    deletions: change.deletions,
  };
}

// ── Shared ───────────────────────────────────────────────────────────────────────────────────────

/** One page from `pageToken` (an opaque offset), at most `maxResults` or the server's page size. */
function page<T>(context: RouteContext, all: readonly T[]): { items: T[]; nextPageToken?: string } {
  const maxResults = Number(context.url.searchParams.get('maxResults') ?? Number.NaN);
  const size =
    Number.isInteger(maxResults) && maxResults > 0 ? Math.min(maxResults, context.pageSize) : context.pageSize;
  const token = context.url.searchParams.get('pageToken');
  const start = token
    ? Number(
        Buffer.from(token, 'base64url')
          .toString('utf8')
          .replace(/^offset:/, ''),
      )
    : 0;
  if (!Number.isInteger(start) || start < 0) throw invalid(`Invalid value for field 'pageToken': '${token}'`);
  const items = all.slice(start, start + size);
  return start + size < all.length
    ? { items, nextPageToken: Buffer.from(`offset:${start + size}`).toString('base64url') }
    : { items };
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw invalid(`Invalid JSON payload received. ${(error as Error).message}`);
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'x-goog-request-id': randomUUID() })
    .end(body === undefined ? '' : JSON.stringify(body));
}

function sendError(response: ServerResponse, error: LocalGoogleError): void {
  response
    .writeHead(error.status, { 'content-type': 'application/json; charset=UTF-8', ...error.headers })
    .end(JSON.stringify(error.body()));
}
