import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// The host the real SDKs call; nextLinks carry it so the bearer-token policy keeps seeing https.
import { ARM_ENDPOINT } from '../../functions/azure/local-arm.ts';
import {
  type CommittedFailure,
  closeServer,
  faultControlsOf,
  requestLogOf,
  resetConnection,
} from '../json-api-server.ts';
import {
  type ArmResource,
  ArmStore,
  type AzureRecordType,
  COLLECTIONS,
  type CollectionKey,
  RECORD_TYPES,
  recordSetId,
  recordSetsOf,
  resourceId,
  virtualNetworkLinkId,
  virtualNetworkLinksOf,
} from './arm-store.ts';

/**
 * A local Azure Resource Manager for Private DNS and the network resources linkdns reads. It speaks the ARM JSON
 * wire format the real `@azure/arm-privatedns` and `@azure/arm-network` clients send and expect, with the semantics
 * linkdns depends on: ETags with `If-Match` / `If-None-Match: *` (412 `PreconditionFailed`), 404 `ResourceNotFound`,
 * 409 `Conflict`, `nextLink` paging, list paths matched case-insensitively (`/ALL` in v3, `/aLL` in v4), synchronous
 * 200/201 for long-running operations (with `provisioningState: Succeeded`, which the SDK pollers accept as done),
 * plus fault injection (429 with `Retry-After`, …) and a request log.
 */

/** Where requests are logged as named operations, so tests can count what an adapter did. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  /** SDK-style operation name: `recordSets.createOrUpdate`, `privateEndpoints.get`, … */
  readonly operation: string;
  readonly status: number;
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  /** Set when an injected fault answered the request. */
  readonly faulted?: boolean;
}

export interface RequestLog {
  readonly entries: readonly LoggedRequest[];
  /** Requests per operation, e.g. `{ 'recordSets.list': 2, 'recordSets.createOrUpdate': 3 }`. */
  counts(): Record<string, number>;
  /** Requests that change state (PUT, PATCH, DELETE), faulted ones included. */
  writes(): LoggedRequest[];
  clear(): void;
}

/** An injected fault: answers matching requests with an error, or runs `before` (e.g. a concurrent writer) first. */
export interface Fault extends CommittedFailure {
  /** Operation name as logged (`recordSets.createOrUpdate`); any when omitted. */
  readonly operation?: string;
  readonly method?: string;
  /** Matched against the decoded request path. */
  readonly path?: RegExp;
  /** How many matching requests it applies to. Default 1. */
  readonly times?: number;
  /** Answer with this status instead of handling the request (e.g. 429, 500). */
  readonly status?: number;
  readonly code?: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Runs before the request is handled, e.g. to change the resource so an `If-Match` fails. */
  readonly before?: (store: ArmStore) => void;
  /** Accept the request and never answer (a hung endpoint); the connection is closed when the server closes. */
  readonly neverAnswer?: boolean;
}

export interface FaultInjector {
  add(fault: Fault): void;
  clear(): void;
  /** Faults not used up yet. */
  pending(): number;
}

export interface LocalAzureOptions {
  /** Items per list page before a `nextLink` is returned. Default 100 (the Private DNS default). */
  readonly pageSize?: number;
}

export interface LocalAzure {
  /** `http://127.0.0.1:PORT` — point SDK clients at it with {@link localAzureClientOptions}. */
  readonly baseUrl: string;
  readonly state: ArmStore;
  readonly requests: RequestLog;
  readonly faults: FaultInjector;
  close(): Promise<void>;
}

const MAX_RECORD_SETS = 25_000;
const MAX_RECORDS_PER_SET = 20;
const MAX_LINKS = 1_000;

class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** Starts the local Azure on 127.0.0.1 with an ephemeral port. */
export async function startLocalAzure(options: LocalAzureOptions = {}): Promise<LocalAzure> {
  const store = new ArmStore();
  const entries: LoggedRequest[] = [];
  const faults: (Fault & { left: number })[] = [];
  const pageSize = options.pageSize ?? 100;

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://local');
      const path = decodeURIComponent(url.pathname);
      const method = (request.method ?? 'GET').toUpperCase();
      const route = routeOf(method, path);
      const logged = {
        method,
        path,
        operation: route?.operation ?? `${method} ${path}`,
        ...headerValue(request, 'if-match', 'ifMatch'),
        ...headerValue(request, 'if-none-match', 'ifNoneMatch'),
      };
      const fault = faults.find(
        (candidate) =>
          candidate.left > 0 &&
          (!candidate.operation || candidate.operation === logged.operation) &&
          (!candidate.method || candidate.method.toUpperCase() === method) &&
          (!candidate.path || candidate.path.test(path)),
      );
      if (fault) {
        fault.left -= 1;
        fault.before?.(store);
        if (fault.neverAnswer) {
          entries.push({ ...logged, status: 0, faulted: true });
          return;
        }
        if (fault.afterCommit && route) {
          const body = chunks.length > 0 ? parseBody(Buffer.concat(chunks).toString('utf8')) : undefined;
          try {
            route.handle({ store, body, request, url, pageSize });
          } catch {
            // The request failed on its own: nothing was committed, the fault's answer stands.
          }
        }
        if (fault.reset) {
          entries.push({ ...logged, status: 0, faulted: true });
          resetConnection(request);
          return;
        }
        if (fault.status !== undefined) {
          entries.push({ ...logged, status: fault.status, faulted: true });
          sendError(
            response,
            new ArmError(fault.status, fault.code ?? defaultCode(fault.status), fault.message ?? 'Injected fault', {
              ...fault.headers,
            }),
          );
          return;
        }
      }
      try {
        if (!url.searchParams.get('api-version')) {
          throw new ArmError(
            400,
            'MissingApiVersionParameter',
            'The api-version query parameter (?api-version=) is required for all requests.',
          );
        }
        if (!request.headers.authorization?.startsWith('Bearer ')) {
          throw new ArmError(
            401,
            'AuthenticationFailed',
            "Authentication failed. The 'Authorization' header is missing.",
          );
        }
        if (!route) throw new ArmError(404, 'InvalidResourceType', `No route for ${method} ${path}`);
        const body = chunks.length > 0 ? parseBody(Buffer.concat(chunks).toString('utf8')) : undefined;
        const result = route.handle({ store, body, request, url, pageSize });
        entries.push({ ...logged, status: result.status });
        send(
          response,
          result.status,
          result.body,
          result.body && 'etag' in result.body ? String(result.body.etag) : undefined,
        );
      } catch (error) {
        const armError =
          error instanceof ArmError ? error : new ArmError(500, 'InternalServerError', (error as Error).message);
        entries.push({ ...logged, status: armError.status });
        sendError(response, armError);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    state: store,
    requests: requestLogOf(entries, (entry) => ['PUT', 'PATCH', 'DELETE'].includes(entry.method)),
    faults: faultControlsOf(faults),
    close: () => closeServer(server),
  };
}

interface RouteContext {
  readonly store: ArmStore;
  readonly body: Record<string, unknown> | undefined;
  readonly request: IncomingMessage;
  readonly url: URL;
  readonly pageSize: number;
}

interface RouteResult {
  readonly status: number;
  readonly body?: Record<string, unknown>;
}

interface Route {
  readonly operation: string;
  handle(context: RouteContext): RouteResult;
}

const OPERATION_BY_METHOD: Record<string, string> = {
  GET: 'get',
  PUT: 'createOrUpdate',
  PATCH: 'update',
  DELETE: 'delete',
};

const OPERATION_GROUP: Record<CollectionKey, string> = {
  privatednszones: 'privateZones',
  privateendpoints: 'privateEndpoints',
  networkinterfaces: 'networkInterfaces',
};

/** Parses an ARM path case-insensitively into the operation it names. */
function routeOf(method: string, path: string): Route | undefined {
  const segments = path.split('/').filter((segment) => segment.length > 0);
  const lower = segments.map((segment) => segment.toLowerCase());
  if (lower[0] !== 'subscriptions' || !segments[1]) return undefined;
  const subscriptionId = segments[1];

  if (lower[2] === 'providers' && lower[3] === 'microsoft.network' && segments.length === 5 && method === 'GET') {
    const collection = collectionOf(lower[4]);
    if (!collection) return undefined;
    const operation =
      collection === 'privatednszones'
        ? 'privateZones.list'
        : collection === 'networkinterfaces'
          ? 'networkInterfaces.listAll'
          : 'privateEndpoints.listBySubscription';
    const prefix = `/subscriptions/${subscriptionId}/resourcegroups/`;
    return { operation, handle: (context) => listTopLevel(context, prefix, collection) };
  }

  if (lower[2] !== 'resourcegroups' || !segments[3] || lower[4] !== 'providers' || lower[5] !== 'microsoft.network') {
    return undefined;
  }
  const resourceGroup = segments[3];
  if (lower[6] === 'virtualnetworks' && segments.length === 8 && method === 'GET') {
    const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworks/${segments[7]}`;
    return { operation: 'virtualNetworks.get', handle: (context) => virtualNetworkView(context.store, id) };
  }
  const collection = collectionOf(lower[6]);
  if (!collection) return undefined;
  const group = OPERATION_GROUP[collection];

  if (segments.length === 7 && method === 'GET') {
    const prefix = `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup.toLowerCase()}/`;
    const operation = collection === 'privatednszones' ? 'privateZones.listByResourceGroup' : `${group}.list`;
    return { operation, handle: (context) => listTopLevel(context, prefix, collection) };
  }
  const name = segments[7];
  if (!name) return undefined;
  const id = resourceId(subscriptionId, resourceGroup, collection, name);
  const verb = OPERATION_BY_METHOD[method];

  if (segments.length === 8) {
    if (!verb) return undefined;
    const handle = collection === 'privatednszones' ? zoneHandler(method, id) : networkHandler(method, id, collection);
    return { operation: `${group}.${verb}`, handle };
  }
  if (collection === 'privateendpoints' && lower[8] === 'privatednszonegroups' && method === 'GET') {
    // https://learn.microsoft.com/rest/api/virtualnetwork/private-dns-zone-groups (read only here: the zone groups
    // of the seeded world, through which Azure writes the `privatelink.*` records).
    const groupName = segments[9];
    if (segments.length === 9) {
      return {
        operation: 'privateDnsZoneGroups.list',
        handle: (context) =>
          page(
            context,
            required(context.store.get(id), id) &&
              context.store.children(id, 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups'),
          ),
      };
    }
    if (segments.length === 10 && groupName) {
      const groupId = `${id}/privateDnsZoneGroups/${groupName}`;
      return {
        operation: 'privateDnsZoneGroups.get',
        handle: (context) => ({
          status: 200,
          body: required(context.store.get(groupId), groupId) as unknown as Record<string, unknown>,
        }),
      };
    }
  }
  if (collection !== 'privatednszones') return undefined;
  const zoneId = id;
  const child = lower[8];
  const recordType = RECORD_TYPES.find((type) => type.toLowerCase() === child);

  if (segments.length === 9 && method === 'GET') {
    if (child === 'all') return { operation: 'recordSets.list', handle: (context) => listRecordSets(context, zoneId) };
    if (child === 'virtualnetworklinks') {
      return {
        operation: 'virtualNetworkLinks.list',
        handle: (context) =>
          page(context, requireZone(context.store, zoneId) && virtualNetworkLinksOf(context.store, zoneId)),
      };
    }
    if (recordType) {
      return {
        operation: 'recordSets.listByType',
        handle: (context) => listRecordSets(context, zoneId, recordType),
      };
    }
    return undefined;
  }
  const childName = segments[9];
  if (segments.length !== 10 || !childName || !verb) return undefined;
  if (child === 'virtualnetworklinks') {
    return { operation: `virtualNetworkLinks.${verb}`, handle: linkHandler(method, zoneId, childName) };
  }
  if (recordType) {
    return { operation: `recordSets.${verb}`, handle: recordSetHandler(method, zoneId, recordType, childName) };
  }
  return undefined;
}

function collectionOf(segment: string | undefined): CollectionKey | undefined {
  return segment && segment in COLLECTIONS ? (segment as CollectionKey) : undefined;
}

// ── Private DNS zones ────────────────────────────────────────────────────────────────────────────

function zoneHandler(method: string, id: string): Route['handle'] {
  return (context) => {
    const { store } = context;
    const existing = store.get(id);
    if (method === 'GET') return { status: 200, body: zoneView(store, required(existing, id)) };
    if (method === 'DELETE') {
      checkIfMatch(context.request, existing, id);
      if (!existing) return { status: 204 };
      if (virtualNetworkLinksOf(store, existing.id).length > 0) {
        throw new ArmError(
          409,
          'Conflict',
          `Can not delete resource before nested resources are deleted: private zone ${existing.name} has virtual network links.`,
        );
      }
      for (const recordSet of recordSetsOf(store, existing.id)) store.delete(recordSet.id);
      store.delete(existing.id);
      return { status: 200 };
    }
    checkPreconditions(context.request, existing, id);
    const body = context.body ?? {};
    const name = id.split('/').at(-1) ?? '';
    if (name.split('.').length < 2) {
      throw new ArmError(400, 'BadRequest', `The zone name '${name}' must have at least two labels.`);
    }
    if (method === 'PATCH') {
      const current = required(existing, id);
      const stored = store.put({ ...current, tags: (body.tags as Record<string, string>) ?? current.tags });
      return { status: 200, body: zoneView(store, stored) };
    }
    const stored = store.put({
      id: existing?.id ?? id,
      name: existing?.name ?? name,
      type: COLLECTIONS.privatednszones.type,
      location: 'global',
      tags: (body.tags as Record<string, string>) ?? {},
      properties: { internalId: existing?.properties.internalId ?? randomUUID(), provisioningState: 'Succeeded' },
    });
    if (!existing) {
      store.put({
        id: recordSetId(stored.id, 'SOA', '@'),
        name: '@',
        type: 'Microsoft.Network/privateDnsZones/SOA',
        properties: {
          ttl: 3600,
          soaRecord: {
            host: 'azureprivatedns.net',
            email: 'azureprivatedns-host.microsoft.com',
            serialNumber: 1,
            refreshTime: 3600,
            retryTime: 300,
            expireTime: 2419200,
            minimumTtl: 10,
          },
        },
      });
    }
    return { status: existing ? 200 : 201, body: zoneView(store, stored) };
  };
}

function zoneView(store: ArmStore, zone: ArmResource): Record<string, unknown> {
  const links = virtualNetworkLinksOf(store, zone.id);
  return {
    ...zone,
    properties: {
      ...zone.properties,
      maxNumberOfRecordSets: MAX_RECORD_SETS,
      numberOfRecordSets: recordSetsOf(store, zone.id).length,
      maxNumberOfVirtualNetworkLinks: MAX_LINKS,
      numberOfVirtualNetworkLinks: links.length,
      maxNumberOfVirtualNetworkLinksWithRegistration: 100,
      numberOfVirtualNetworkLinksWithRegistration: links.filter((link) => link.properties.registrationEnabled === true)
        .length,
    },
  };
}

function requireZone(store: ArmStore, zoneId: string): true {
  if (!store.get(zoneId)) {
    throw new ArmError(
      404,
      'ParentResourceNotFound',
      `Can not perform requested operation on nested resource. Parent resource '${zoneId.split('/').at(-1)}' not found.`,
    );
  }
  return true;
}

// ── Record sets ──────────────────────────────────────────────────────────────────────────────────

function recordSetHandler(
  method: string,
  zoneId: string,
  type: AzureRecordType,
  relativeName: string,
): Route['handle'] {
  return (context) => {
    const { store } = context;
    const zone = store.get(zoneId);
    const id = recordSetId(zone?.id ?? zoneId, type, relativeName.toLowerCase());
    const existing = store.get(id);
    if (method === 'GET') {
      requireZone(store, zoneId);
      return { status: 200, body: recordSetView(required(existing, id), zone) };
    }
    if (method === 'DELETE') {
      checkIfMatch(context.request, existing, id);
      if (!existing) return { status: 204 };
      if (type === 'SOA') throw new ArmError(400, 'BadRequest', 'The SOA record set cannot be deleted.');
      store.delete(existing.id);
      return { status: 200 };
    }
    requireZone(store, zoneId);
    checkPreconditions(context.request, existing, id);
    const incoming = (context.body?.properties ?? {}) as Record<string, unknown>;
    if (method === 'PATCH' && !existing) throw notFound(id);
    const properties = method === 'PATCH' ? { ...existing?.properties, ...incoming } : incoming;
    validateRecordSet(store, zone as ArmResource, type, relativeName.toLowerCase(), properties, existing !== undefined);
    const stored = store.put({
      id: existing?.id ?? id,
      name: relativeName.toLowerCase(),
      type: `Microsoft.Network/privateDnsZones/${type}`,
      properties: pickRecordProperties(type, properties),
    });
    return { status: existing || method === 'PATCH' ? 200 : 201, body: recordSetView(stored, zone) };
  };
}

const RECORD_FIELDS: Record<AzureRecordType, string> = {
  A: 'aRecords',
  AAAA: 'aaaaRecords',
  CNAME: 'cnameRecord',
  MX: 'mxRecords',
  PTR: 'ptrRecords',
  SOA: 'soaRecord',
  SRV: 'srvRecords',
  TXT: 'txtRecords',
};

function pickRecordProperties(type: AzureRecordType, properties: Record<string, unknown>): Record<string, unknown> {
  const field = RECORD_FIELDS[type];
  return {
    ttl: properties.ttl ?? 3600,
    ...(properties.metadata ? { metadata: properties.metadata } : {}),
    ...(properties[field] !== undefined ? { [field]: properties[field] } : {}),
  };
}

function validateRecordSet(
  store: ArmStore,
  zone: ArmResource,
  type: AzureRecordType,
  name: string,
  properties: Record<string, unknown>,
  exists: boolean,
): void {
  const field = RECORD_FIELDS[type];
  for (const [other, otherField] of Object.entries(RECORD_FIELDS)) {
    if (other !== type && properties[otherField] !== undefined) {
      throw new ArmError(400, 'BadRequest', `A ${type} record set cannot hold ${otherField}.`);
    }
  }
  const records = properties[field];
  if (Array.isArray(records) && records.length > MAX_RECORDS_PER_SET) {
    throw new ArmError(400, 'BadRequest', `A record set can hold at most ${MAX_RECORDS_PER_SET} records.`);
  }
  if (type === 'A' && Array.isArray(records)) {
    for (const record of records as { ipv4Address?: unknown }[]) {
      if (typeof record.ipv4Address !== 'string' || !/^\d{1,3}(\.\d{1,3}){3}$/.test(record.ipv4Address)) {
        throw new ArmError(400, 'BadRequest', `Invalid IPv4 address ${JSON.stringify(record.ipv4Address)}.`);
      }
    }
  }
  if (type === 'TXT' && Array.isArray(records)) {
    for (const record of records as { value?: unknown }[]) {
      if (
        !Array.isArray(record.value) ||
        record.value.some((chunk) => typeof chunk !== 'string' || chunk.length > 1024)
      ) {
        throw new ArmError(400, 'BadRequest', 'Each TXT record value must be an array of strings.');
      }
    }
  }
  if (typeof properties.ttl === 'number' && (properties.ttl < 0 || properties.ttl > 2_147_483_647)) {
    throw new ArmError(400, 'BadRequest', 'TTL out of range.');
  }
  // A CNAME cannot share its name with any other record set (RFC 1034 §3.6.2).
  const atName = recordSetsOf(store, zone.id).filter((record) => record.name === name);
  if (
    atName.some((record) => record.type !== `Microsoft.Network/privateDnsZones/${type}`) &&
    (type === 'CNAME' || atName.some((record) => record.type.endsWith('/CNAME')))
  ) {
    throw new ArmError(
      409,
      'Conflict',
      `The record set ${name} conflicts with an existing record set: a CNAME cannot share its name.`,
    );
  }
  if (!exists && recordSetsOf(store, zone.id).length >= MAX_RECORD_SETS) {
    throw new ArmError(409, 'Conflict', `The zone ${zone.name} already holds ${MAX_RECORD_SETS} record sets.`);
  }
}

function recordSetView(recordSet: ArmResource, zone: ArmResource | undefined): Record<string, unknown> {
  const zoneName = zone?.name ?? '';
  const fqdn = recordSet.name === '@' ? `${zoneName}.` : `${recordSet.name}.${zoneName}.`;
  return { ...recordSet, properties: { ...recordSet.properties, fqdn, isAutoRegistered: false } };
}

function listRecordSets(context: RouteContext, zoneId: string, type?: AzureRecordType): RouteResult {
  requireZone(context.store, zoneId);
  const zone = context.store.get(zoneId);
  const suffix = context.url.searchParams.get('$recordsetnamesuffix')?.toLowerCase();
  const items = recordSetsOf(context.store, zoneId)
    .filter((record) => !type || record.type.endsWith(`/${type}`))
    .filter((record) => !suffix || record.name.endsWith(suffix))
    .map((record) => recordSetView(record, zone));
  return page(context, items);
}

// ── Virtual network links ────────────────────────────────────────────────────────────────────────

function linkHandler(method: string, zoneId: string, name: string): Route['handle'] {
  return (context) => {
    const { store } = context;
    const zone = store.get(zoneId);
    const id = virtualNetworkLinkId(zone?.id ?? zoneId, name);
    const existing = store.get(id);
    if (method === 'GET') {
      requireZone(store, zoneId);
      return { status: 200, body: required(existing, id) as unknown as Record<string, unknown> };
    }
    if (method === 'DELETE') {
      checkIfMatch(context.request, existing, id);
      if (existing) store.delete(existing.id);
      return { status: existing ? 200 : 204 };
    }
    requireZone(store, zoneId);
    checkPreconditions(context.request, existing, id);
    const incoming = (context.body?.properties ?? {}) as Record<string, unknown>;
    const properties = method === 'PATCH' ? { ...existing?.properties, ...incoming } : incoming;
    const network = (properties.virtualNetwork as { id?: unknown } | undefined)?.id;
    if (typeof network !== 'string' || !/\/providers\/microsoft\.network\/virtualnetworks\/[^/]+$/i.test(network)) {
      throw new ArmError(400, 'BadRequest', 'properties.virtualNetwork.id must be a virtual network resource id.');
    }
    const links = virtualNetworkLinksOf(store, zoneId);
    const duplicate = links.find(
      (link) =>
        link.id.toLowerCase() !== id.toLowerCase() &&
        String((link.properties.virtualNetwork as { id: string }).id).toLowerCase() === network.toLowerCase(),
    );
    if (duplicate) {
      throw new ArmError(
        409,
        'Conflict',
        `The virtual network is already linked to zone ${zone?.name} by ${duplicate.name}.`,
      );
    }
    if (!existing && links.length >= MAX_LINKS) {
      throw new ArmError(409, 'Conflict', `The zone already has ${MAX_LINKS} virtual network links.`);
    }
    const stored = store.put({
      id: existing?.id ?? id,
      name: existing?.name ?? name,
      type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
      location: 'global',
      tags: (context.body?.tags as Record<string, string>) ?? existing?.tags ?? {},
      properties: {
        virtualNetwork: { id: network },
        registrationEnabled: properties.registrationEnabled === true,
        ...(properties.resolutionPolicy ? { resolutionPolicy: properties.resolutionPolicy } : {}),
        virtualNetworkLinkState: 'Completed',
        provisioningState: 'Succeeded',
      },
    });
    return { status: existing ? 200 : 201, body: stored as unknown as Record<string, unknown> };
  };
}

// ── Private endpoints and network interfaces ─────────────────────────────────────────────────────

function networkHandler(method: string, id: string, collection: CollectionKey): Route['handle'] {
  return (context) => {
    const { store } = context;
    const existing = store.get(id);
    if (method === 'GET') return { status: 200, body: required(existing, id) as unknown as Record<string, unknown> };
    if (method === 'DELETE') {
      if (existing) store.delete(existing.id);
      return { status: existing ? 200 : 204 };
    }
    checkPreconditions(context.request, existing, id);
    const body = context.body ?? {};
    const stored = store.put({
      id: existing?.id ?? id,
      name: existing?.name ?? (id.split('/').at(-1) as string),
      type: COLLECTIONS[collection].type,
      location: (body.location as string) ?? existing?.location ?? 'centralus',
      tags: (body.tags as Record<string, string>) ?? existing?.tags ?? {},
      properties: {
        ...(method === 'PATCH' ? existing?.properties : {}),
        ...(body.properties as Record<string, unknown>),
        provisioningState: 'Succeeded',
      },
    });
    return { status: existing ? 200 : 201, body: stored as unknown as Record<string, unknown> };
  };
}

function listTopLevel(context: RouteContext, lowerPrefix: string, collection: CollectionKey): RouteResult {
  const type = COLLECTIONS[collection].type.toLowerCase();
  const items = context.store
    .all()
    .filter((resource) => resource.type.toLowerCase() === type && resource.id.toLowerCase().startsWith(lowerPrefix))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((resource) => (collection === 'privatednszones' ? zoneView(context.store, resource) : resource));
  return page(context, items as unknown as Record<string, unknown>[]);
}

// ── Shared ARM semantics ─────────────────────────────────────────────────────────────────────────

/** One page of `items` from `$skipToken`, with a `nextLink` on the real ARM host while more remain. */
function page(context: RouteContext, items: readonly object[]): RouteResult {
  const top = Number(context.url.searchParams.get('$top') ?? Number.NaN);
  const size = Number.isInteger(top) && top > 0 ? Math.min(top, context.pageSize) : context.pageSize;
  const start = Number(context.url.searchParams.get('$skipToken') ?? 0);
  const value = items.slice(start, start + size);
  const body: Record<string, unknown> = { value };
  if (start + size < items.length) {
    const next = new URL(`${ARM_ENDPOINT}${context.url.pathname}`);
    for (const [key, item] of context.url.searchParams) if (key !== '$skipToken') next.searchParams.set(key, item);
    next.searchParams.set('$skipToken', String(start + size));
    body.nextLink = next.toString();
  }
  return { status: 200, body };
}

/** `If-None-Match: *` fails on an existing resource, `If-Match` on a missing one or another ETag (RFC 9110 §13.1). */
function checkPreconditions(request: IncomingMessage, existing: ArmResource | undefined, id: string): void {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch === '*' && existing) {
    throw new ArmError(412, 'PreconditionFailed', `The resource ${id} already exists (If-None-Match: *).`);
  }
  checkIfMatch(request, existing, id);
}

function checkIfMatch(request: IncomingMessage, existing: ArmResource | undefined, id: string): void {
  const ifMatch = request.headers['if-match'];
  if (ifMatch === undefined) return;
  const wanted = ifMatch.replace(/^W\//, '').replace(/^"|"$/g, '');
  if (!existing || (wanted !== '*' && wanted !== existing.etag)) {
    throw new ArmError(
      412,
      'PreconditionFailed',
      `The condition '${ifMatch}' in the If-Match header was not satisfied for ${id}; current ETag ${existing?.etag ?? '(none)'}.`,
    );
  }
}

/**
 * Virtual Networks - Get, read only: the local ARM keeps no VNets of their own, so it answers for a VNet that private
 * endpoints' subnets name, with each of those subnets and its `privateEndpoints` references (SubnetPropertiesFormat:
 * "An array of references to private endpoints"), and 404 `ResourceNotFound` for any other.
 */
function virtualNetworkView(store: ArmStore, id: string): RouteResult {
  const prefix = `${id.toLowerCase()}/subnets/`;
  const subnets = new Map<string, string[]>();
  for (const resource of store.all()) {
    const subnet = (resource.properties as { subnet?: { id?: string } }).subnet?.id;
    if (resource.type.toLowerCase() !== 'microsoft.network/privateendpoints' || !subnet) continue;
    if (!subnet.toLowerCase().startsWith(prefix)) continue;
    subnets.set(subnet, [...(subnets.get(subnet) ?? []), resource.id]);
  }
  if (subnets.size === 0) throw notFound(id);
  return {
    status: 200,
    body: {
      id,
      name: id.split('/').at(-1),
      type: 'Microsoft.Network/virtualNetworks',
      location: 'centralus',
      properties: {
        provisioningState: 'Succeeded',
        subnets: [...subnets].map(([subnet, endpoints]) => ({
          id: subnet,
          name: subnet.split('/').at(-1),
          properties: {
            provisioningState: 'Succeeded',
            privateEndpoints: endpoints.map((endpoint) => ({ id: endpoint })),
          },
        })),
      },
    },
  };
}

function required(resource: ArmResource | undefined, id: string): ArmResource {
  if (!resource) throw notFound(id);
  return resource;
}

function notFound(id: string): ArmError {
  const segments = id.split('/');
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${segments.slice(6).join('/')}' under resource group '${segments[4]}' was not found.`,
  );
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid: ${(error as Error).message}`);
  }
}

function headerValue<K extends string>(request: IncomingMessage, header: string, key: K): Partial<Record<K, string>> {
  const value = request.headers[header];
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}

function defaultCode(status: number): string {
  if (status === 429) return 'TooManyRequests';
  if (status === 412) return 'PreconditionFailed';
  if (status === 409) return 'Conflict';
  if (status === 404) return 'ResourceNotFound';
  if (status >= 500) return 'InternalServerError';
  return 'BadRequest';
}

function send(response: ServerResponse, status: number, body: unknown, etag?: string): void {
  const headers: Record<string, string> = { 'x-ms-request-id': randomUUID() };
  if (etag) headers.etag = etag;
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  response
    .writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(body));
}

function sendError(response: ServerResponse, error: ArmError): void {
  response
    .writeHead(error.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ms-request-id': randomUUID(),
      'x-ms-failure-cause': 'gateway',
      ...error.headers,
    })
    .end(JSON.stringify({ error: { code: error.code, message: error.message } }));
}
