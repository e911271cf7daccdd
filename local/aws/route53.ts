import { randomUUID } from 'node:crypto';
import { compareAscii, formatDnsName, parseDnsName, reversedLabelKey } from './route53-names.ts';
import {
  type ChangeAction,
  type ChangeInfo,
  compareRecordSets,
  type HostedZone,
  type RecordChange,
  Route53Fault,
  type Route53State,
  type StoredRecordSet,
  type Vpc,
} from './route53-state.ts';
import {
  childElement,
  childElements,
  childText,
  el,
  optionalEl,
  parseXml,
  route53Document,
  type XmlElement,
  type XmlFragment,
} from './route53-xml.ts';
import type { LocalAwsService, LocalRequest, LocalResponse } from './server.ts';

export type { HostedZone, StoredRecordSet, SyncBehaviour, Vpc } from './route53-state.ts';
export { Route53Fault, Route53State } from './route53-state.ts';

/**
 * The local Route 53: the REST-XML protocol of API version 2013-04-01, spoken to the real `@aws-sdk/client-route-53`
 * (`endpoint: 'http://127.0.0.1:PORT'`). Each operation cites its page of the Amazon Route 53 API Reference; element
 * names and paths follow the SDK's own schema (`@aws-sdk/client-route-53` `schemas_0.js`). Errors use Route 53's
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` envelope.
 *
 * @example
 * const state = new Route53State();
 * const aws = await startLocalAwsServer([route53Service(state)]);
 * const client = new Route53Client({ endpoint: aws.endpoint, region: 'us-east-1', credentials });
 */
export function route53Service(state: Route53State): LocalAwsService {
  return {
    name: 'route53',
    // Anything under the API's path that no route serves is still Route 53's to answer, in its error envelope
    // (`InvalidAction`, 400: https://docs.aws.amazon.com/Route53/latest/APIReference/CommonErrors.html).
    operation: (request) => route(request)?.operation ?? (request.path.startsWith(`${API}/`) ? 'Unknown' : undefined),
    async handle(operation, request) {
      const matched = route(request);
      const handler = matched && matched.operation === operation ? HANDLERS[operation] : undefined;
      if (!matched || !handler) {
        return renderError('InvalidAction', `The action ${request.method} ${request.path} is not valid.`, 400);
      }
      try {
        return handler(state, request, matched.params);
      } catch (error) {
        if (error instanceof Route53Fault) return renderError(error.code, error.message, error.status);
        throw error;
      }
    },
    error: renderError,
  };
}

const API = '/2013-04-01';

const ROUTES: readonly { method: string; pattern: RegExp; operation: string }[] = [
  { method: 'POST', pattern: /^\/hostedzone$/, operation: 'CreateHostedZone' },
  { method: 'GET', pattern: /^\/hostedzone$/, operation: 'ListHostedZones' },
  { method: 'GET', pattern: /^\/hostedzone\/(?<id>[^/]+)$/, operation: 'GetHostedZone' },
  { method: 'DELETE', pattern: /^\/hostedzone\/(?<id>[^/]+)$/, operation: 'DeleteHostedZone' },
  { method: 'POST', pattern: /^\/hostedzone\/(?<id>[^/]+)\/associatevpc$/, operation: 'AssociateVPCWithHostedZone' },
  {
    method: 'POST',
    pattern: /^\/hostedzone\/(?<id>[^/]+)\/disassociatevpc$/,
    operation: 'DisassociateVPCFromHostedZone',
  },
  {
    method: 'POST',
    pattern: /^\/hostedzone\/(?<id>[^/]+)\/authorizevpcassociation$/,
    operation: 'CreateVPCAssociationAuthorization',
  },
  {
    method: 'GET',
    pattern: /^\/hostedzone\/(?<id>[^/]+)\/authorizevpcassociation$/,
    operation: 'ListVPCAssociationAuthorizations',
  },
  {
    method: 'POST',
    pattern: /^\/hostedzone\/(?<id>[^/]+)\/deauthorizevpcassociation$/,
    operation: 'DeleteVPCAssociationAuthorization',
  },
  { method: 'GET', pattern: /^\/hostedzone\/(?<id>[^/]+)\/rrset$/, operation: 'ListResourceRecordSets' },
  { method: 'POST', pattern: /^\/hostedzone\/(?<id>[^/]+)\/rrset$/, operation: 'ChangeResourceRecordSets' },
  { method: 'GET', pattern: /^\/hostedzonesbyname$/, operation: 'ListHostedZonesByName' },
  { method: 'GET', pattern: /^\/hostedzonesbyvpc$/, operation: 'ListHostedZonesByVPC' },
  { method: 'GET', pattern: /^\/change\/(?<id>[^/]+)$/, operation: 'GetChange' },
  { method: 'POST', pattern: /^\/tags\/(?<type>[^/]+)\/(?<id>[^/]+)$/, operation: 'ChangeTagsForResource' },
  { method: 'GET', pattern: /^\/tags\/(?<type>[^/]+)\/(?<id>[^/]+)$/, operation: 'ListTagsForResource' },
];

function route(request: LocalRequest): { operation: string; params: Record<string, string> } | undefined {
  if (!request.path.startsWith(`${API}/`)) return undefined;
  // Older clients add a trailing slash (`/rrset/`); Route 53 accepts both.
  const path = request.path.slice(API.length).replace(/\/$/, '');
  for (const candidate of ROUTES) {
    const match = candidate.method === request.method ? candidate.pattern.exec(path) : null;
    if (match) return { operation: candidate.operation, params: { ...match.groups } };
  }
  return undefined;
}

type Handler = (state: Route53State, request: LocalRequest, params: Record<string, string>) => LocalResponse;

const HANDLERS: Readonly<Record<string, Handler>> = {
  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html */
  CreateHostedZone(state, request) {
    const body = parseBody(request, 'CreateHostedZoneRequest');
    const vpcElement = childElement(body, 'VPC');
    const config = childElement(body, 'HostedZoneConfig');
    const vpc = vpcElement ? parseVpc(vpcElement) : undefined;
    const caller = state.accounts.callerOf(request);
    if (vpc) state.assertVpcExists(vpc);
    if (vpc && (state.vpcAccount?.(vpc) ?? caller) !== caller) {
      // A private zone is created with a VPC of the caller's account; other accounts' VPCs are associated later.
      throw new Route53Fault('InvalidVPCId', `The VPC ID '${vpc.id}' is not valid for this account.`);
    }
    const zone = state.createZone({
      account: caller,
      name: required(childText(body, 'Name'), 'Name'),
      callerReference: required(childText(body, 'CallerReference'), 'CallerReference'),
      private: childText(config, 'PrivateZone') === 'true' || vpc !== undefined,
      vpcs: vpc ? [vpc] : [],
      ...(childText(config, 'Comment') === undefined ? {} : { comment: childText(config, 'Comment') }),
    });
    const change = state.recordChange();
    return {
      status: 201,
      headers: { location: `https://route53.amazonaws.com${API}/hostedzone/${zone.id}` },
      body: route53Document(
        'CreateHostedZoneResponse',
        renderZone(zone),
        renderChangeInfo(change, 'PENDING'),
        zone.private ? undefined : renderDelegationSet(state),
        vpc ? renderVpc(vpc) : undefined,
      ),
    };
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZone.html */
  GetHostedZone(state, request, params) {
    const zone = state.zoneOf(state.accounts.callerOf(request), param(params, 'id'));
    return ok(
      route53Document(
        'GetHostedZoneResponse',
        renderZone(zone),
        zone.private ? el('VPCs', zone.vpcs.map(renderVpc)) : renderDelegationSet(state),
      ),
    );
  },

  /**
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZones.html — `marker` is the id of the
   * first zone of the page; `hostedzonetype=PrivateHostedZone` lists private zones only.
   */
  ListHostedZones(state, request) {
    const type = request.query.get('hostedzonetype');
    if (type !== null && type !== 'PrivateHostedZone') {
      throw new Route53Fault('InvalidInput', `Invalid value for hostedzonetype: ${type}`);
    }
    const caller = state.accounts.callerOf(request);
    const zones = [...state.zones.values()].filter(
      (zone) => zone.account === caller && (type === null || zone.private),
    );
    const marker = request.query.get('marker');
    const start = marker === null ? 0 : zones.findIndex((zone) => zone.id === marker);
    if (start < 0) throw new Route53Fault('InvalidInput', `Invalid marker: ${marker}`);
    const maxItems = maxItemsOf(request, 100);
    const page = zones.slice(start, start + maxItems);
    const next = zones[start + maxItems];
    return ok(
      route53Document(
        'ListHostedZonesResponse',
        el('HostedZones', page.map(renderZone)),
        optionalEl('Marker', marker),
        el('IsTruncated', next !== undefined),
        optionalEl('NextMarker', next?.id),
        el('MaxItems', maxItems),
      ),
    );
  },

  /**
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZonesByName.html — sorted by name with the
   * labels reversed, then by id; `dnsname` (and `hostedzoneid`) say where to start.
   */
  ListHostedZonesByName(state, request) {
    const dnsName = request.query.get('dnsname');
    const hostedZoneId = request.query.get('hostedzoneid');
    if (hostedZoneId !== null && dnsName === null) {
      throw new Route53Fault('InvalidInput', 'Invalid request: hostedzoneid requires dnsname');
    }
    const caller = state.accounts.callerOf(request);
    const zones = [...state.zones.values()]
      .filter((zone) => zone.account === caller)
      .sort((a, b) => compareAscii(reversedLabelKey(a.name), reversedLabelKey(b.name)) || compareAscii(a.id, b.id));
    const startKey = dnsName === null ? '' : reversedLabelKey(parseDnsName(dnsName));
    const start = zones.findIndex((zone) => {
      const order = compareAscii(reversedLabelKey(zone.name), startKey);
      return order > 0 || (order === 0 && (hostedZoneId === null || compareAscii(zone.id, hostedZoneId) >= 0));
    });
    const from = start < 0 ? zones.length : start;
    const maxItems = maxItemsOf(request, 100);
    const page = zones.slice(from, from + maxItems);
    const next = zones[from + maxItems];
    return ok(
      route53Document(
        'ListHostedZonesByNameResponse',
        el('HostedZones', page.map(renderZone)),
        optionalEl('DNSName', dnsName === null ? undefined : formatDnsName(parseDnsName(dnsName))),
        optionalEl('HostedZoneId', hostedZoneId),
        el('IsTruncated', next !== undefined),
        optionalEl('NextDNSName', next ? formatDnsName(next.name) : undefined),
        optionalEl('NextHostedZoneId', next?.id),
        el('MaxItems', maxItems),
      ),
    );
  },

  /**
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZonesByVPC.html — the private zones a VPC
   * is associated with; `HostedZoneId` without the `/hostedzone/` prefix; `nexttoken` is opaque.
   */
  ListHostedZonesByVPC(state, request) {
    const vpc = {
      id: required(request.query.get('vpcid') ?? undefined, 'VPCId'),
      region: required(request.query.get('vpcregion') ?? undefined, 'VPCRegion'),
    };
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(vpc.region)) {
      throw new Route53Fault('InvalidInput', `Invalid value for VPCRegion: ${vpc.region}`);
    }
    const zones = state.zonesForVpc(vpc);
    const token = request.query.get('nexttoken');
    const start = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new Route53Fault('InvalidPaginationToken', 'Invalid NextToken');
    const maxItems = maxItemsOf(request, 100);
    const page = zones.slice(start, start + maxItems);
    const more = start + maxItems < zones.length;
    return ok(
      route53Document(
        'ListHostedZonesByVPCResponse',
        el(
          'HostedZoneSummaries',
          page.map((zone) =>
            el(
              'HostedZoneSummary',
              el('HostedZoneId', zone.id),
              el('Name', formatDnsName(zone.name)),
              el('Owner', el('OwningAccount', zone.account)),
            ),
          ),
        ),
        el('MaxItems', maxItems),
        optionalEl('NextToken', more ? Buffer.from(String(start + maxItems)).toString('base64url') : undefined),
      ),
    );
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_AssociateVPCWithHostedZone.html */
  AssociateVPCWithHostedZone(state, request, params) {
    const body = parseBody(request, 'AssociateVPCWithHostedZoneRequest');
    const vpcElement = childElement(body, 'VPC');
    if (!vpcElement) throw new Route53Fault('InvalidInput', 'Invalid request: missing VPC');
    const vpc = parseVpc(vpcElement);
    state.zone(param(params, 'id'));
    state.assertVpcExists(vpc);
    const change = state.associateVpc(
      param(params, 'id'),
      vpc,
      childText(body, 'Comment'),
      state.accounts.callerOf(request),
    );
    return ok(route53Document('AssociateVPCWithHostedZoneResponse', renderChangeInfo(change, 'PENDING')));
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateVPCAssociationAuthorization.html */
  CreateVPCAssociationAuthorization(state, request, params) {
    const body = parseBody(request, 'CreateVPCAssociationAuthorizationRequest');
    const vpcElement = childElement(body, 'VPC');
    if (!vpcElement) throw new Route53Fault('InvalidInput', 'Invalid request: missing VPC');
    const vpc = parseVpc(vpcElement);
    const zone = state.authorizeVpcAssociation(state.accounts.callerOf(request), param(params, 'id'), vpc);
    return ok(
      route53Document('CreateVPCAssociationAuthorizationResponse', el('HostedZoneId', zone.id), renderVpc(vpc)),
    );
  },

  /**
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListVPCAssociationAuthorizations.html — the VPCs of
   * other accounts the zone's owner authorized, paged with `nexttoken` / `maxresults` (up to 50 VPCs per page when
   * `maxresults` is not given).
   */
  ListVPCAssociationAuthorizations(state, request, params) {
    const zone = state.zoneOf(state.accounts.callerOf(request), param(params, 'id'));
    const token = request.query.get('nexttoken');
    const start = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new Route53Fault('InvalidPaginationToken', 'Invalid NextToken');
    const raw = request.query.get('maxresults');
    const maxResults = raw === null ? 50 : Number(raw);
    if (!Number.isInteger(maxResults) || maxResults < 1) {
      throw new Route53Fault('InvalidInput', `Invalid value for maxresults: ${raw}`);
    }
    const more = start + maxResults < zone.authorizations.length;
    return ok(
      route53Document(
        'ListVPCAssociationAuthorizationsResponse',
        el('HostedZoneId', zone.id),
        optionalEl('NextToken', more ? Buffer.from(String(start + maxResults)).toString('base64url') : undefined),
        el('VPCs', zone.authorizations.slice(start, start + maxResults).map(renderVpc)),
      ),
    );
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteVPCAssociationAuthorization.html */
  DeleteVPCAssociationAuthorization(state, request, params) {
    const body = parseBody(request, 'DeleteVPCAssociationAuthorizationRequest');
    const vpcElement = childElement(body, 'VPC');
    if (!vpcElement) throw new Route53Fault('InvalidInput', 'Invalid request: missing VPC');
    state.deauthorizeVpcAssociation(state.accounts.callerOf(request), param(params, 'id'), parseVpc(vpcElement));
    return ok(route53Document('DeleteVPCAssociationAuthorizationResponse'));
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_DisassociateVPCFromHostedZone.html */
  DisassociateVPCFromHostedZone(state, request, params) {
    const body = parseBody(request, 'DisassociateVPCFromHostedZoneRequest');
    const vpcElement = childElement(body, 'VPC');
    if (!vpcElement) throw new Route53Fault('InvalidInput', 'Invalid request: missing VPC');
    const change = state.disassociateVpc(param(params, 'id'), parseVpc(vpcElement), childText(body, 'Comment'));
    return ok(route53Document('DisassociateVPCFromHostedZoneResponse', renderChangeInfo(change, 'PENDING')));
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html */
  DeleteHostedZone(state, request, params) {
    const change = state.deleteZone(state.zoneOf(state.accounts.callerOf(request), param(params, 'id')).id);
    return ok(route53Document('DeleteHostedZoneResponse', renderChangeInfo(change, 'PENDING')));
  },

  /**
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html — up to 300 sets per
   * page in reversed-label order; `name`/`type`/`identifier` say where to start (type without name is
   * `InvalidInput`); names come back escaped with a trailing dot.
   */
  ListResourceRecordSets(state, request, params) {
    const zone = state.zoneOf(state.accounts.callerOf(request), param(params, 'id'));
    const name = request.query.get('name');
    const type = request.query.get('type');
    const identifier = request.query.get('identifier');
    if (type !== null && name === null) {
      throw new Route53Fault('InvalidInput', 'The input is not valid: a type requires a name (StartRecordName)');
    }
    const sets = [...zone.records.values()].sort(compareRecordSets);
    const start =
      name === null
        ? 0
        : sets.findIndex(
            (set) =>
              compareRecordSets(set, {
                name: parseDnsName(name),
                type: type ?? '',
                ...(identifier === null ? {} : { setIdentifier: identifier }),
              }) >= 0,
          );
    const from = start < 0 ? sets.length : start;
    const maxItems = Math.min(maxItemsOf(request, 300), 300);
    const page = sets.slice(from, from + maxItems);
    const next = sets[from + maxItems];
    return ok(
      route53Document(
        'ListResourceRecordSetsResponse',
        el('ResourceRecordSets', page.map(renderRecordSet)),
        el('IsTruncated', next !== undefined),
        optionalEl('NextRecordName', next ? formatDnsName(next.name) : undefined),
        optionalEl('NextRecordType', next?.type),
        optionalEl('NextRecordIdentifier', next?.setIdentifier),
        el('MaxItems', maxItems),
      ),
    );
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html */
  ChangeResourceRecordSets(state, request, params) {
    const body = parseBody(request, 'ChangeResourceRecordSetsRequest');
    const batch = childElement(body, 'ChangeBatch');
    const changes = childElements(childElement(batch, 'Changes'), 'Change').map(parseChange);
    if (changes.length === 0) throw new Route53Fault('InvalidInput', 'Invalid request: ChangeBatch has no Changes');
    const zone = state.zoneOf(state.accounts.callerOf(request), param(params, 'id'));
    const change = state.changeRecordSets(zone.id, changes, childText(batch, 'Comment'));
    return ok(route53Document('ChangeResourceRecordSetsResponse', renderChangeInfo(change, 'PENDING')));
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html */
  GetChange(state, _request, params) {
    const { change, status } = state.pollChange(param(params, 'id'));
    return ok(route53Document('GetChangeResponse', renderChangeInfo(change, status)));
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeTagsForResource.html (hosted zones only) */
  ChangeTagsForResource(state, request, params) {
    const zone = taggedZone(state, params);
    const body = parseBody(request, 'ChangeTagsForResourceRequest');
    const add = childElements(childElement(body, 'AddTags'), 'Tag').map((tag) => ({
      key: required(childText(tag, 'Key'), 'Tag.Key'),
      value: childText(tag, 'Value') ?? '',
    }));
    const remove = childElements(childElement(body, 'RemoveTagKeys'), 'Key').map((key) => key.text);
    if (add.some((tag) => tag.key.length > 128 || tag.value.length > 256)) {
      throw new Route53Fault('InvalidInput', 'Invalid request: tag keys are at most 128 and values 256 characters');
    }
    const tags = new Map(zone.tags);
    for (const key of remove) tags.delete(key);
    for (const tag of add) tags.set(tag.key, tag.value);
    if (tags.size > 50) throw new Route53Fault('InvalidInput', 'Invalid request: at most 50 tags per resource');
    zone.tags.clear();
    for (const [key, value] of tags) zone.tags.set(key, value);
    return ok(route53Document('ChangeTagsForResourceResponse'));
  },

  /** https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListTagsForResource.html (hosted zones only) */
  ListTagsForResource(state, _request, params) {
    const zone = taggedZone(state, params);
    return ok(
      route53Document(
        'ListTagsForResourceResponse',
        el(
          'ResourceTagSet',
          el('ResourceType', 'hostedzone'),
          el('ResourceId', zone.id),
          el(
            'Tags',
            [...zone.tags].map(([key, value]) => el('Tag', el('Key', key), el('Value', value))),
          ),
        ),
      ),
    );
  },
};

function taggedZone(state: Route53State, params: Record<string, string>): HostedZone {
  const type = param(params, 'type');
  if (type === 'healthcheck') throw new Route53Fault('NoSuchHealthCheck', 'Health checks are not simulated', 404);
  if (type !== 'hostedzone') throw new Route53Fault('InvalidInput', `Invalid value for ResourceType: ${type}`);
  return state.zone(param(params, 'id'));
}

function parseChange(change: XmlElement): RecordChange {
  const action = childText(change, 'Action');
  if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT') {
    throw new Route53Fault('InvalidInput', `Invalid value for Action: ${action ?? '(missing)'}`);
  }
  const set = childElement(change, 'ResourceRecordSet');
  const name = required(childText(set, 'Name'), 'ResourceRecordSet.Name');
  const type = required(childText(set, 'Type'), 'ResourceRecordSet.Type');
  const ttl = childText(set, 'TTL');
  const records = childElement(set, 'ResourceRecords');
  const alias = childElement(set, 'AliasTarget');
  const setIdentifier = childText(set, 'SetIdentifier');
  const hasRecords = ttl !== undefined && records !== undefined;
  if (hasRecords === (alias !== undefined)) {
    throw new Route53Fault(
      'InvalidInput',
      'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], ' +
        `but found ${hasRecords ? 'more than one' : 'none'} in Change with [Action=${action}, Name=${formatDnsName(parseDnsName(name))}, ` +
        `Type=${type}, SetIdentifier=${setIdentifier ?? 'null'}]`,
    );
  }
  const values = childElements(records, 'ResourceRecord').map((record) =>
    required(childText(record, 'Value'), 'Value'),
  );
  const recordSet: StoredRecordSet = {
    name: parseDnsName(name),
    type,
    ...(ttl === undefined ? {} : { ttl: Number(ttl) }),
    ...(records === undefined ? {} : { values }),
    ...(alias === undefined
      ? {}
      : {
          aliasTarget: {
            hostedZoneId: required(childText(alias, 'HostedZoneId'), 'AliasTarget.HostedZoneId'),
            dnsName: required(childText(alias, 'DNSName'), 'AliasTarget.DNSName'),
            evaluateTargetHealth: childText(alias, 'EvaluateTargetHealth') === 'true',
          },
        }),
    ...routingFields(set),
  };
  if (recordSet.ttl !== undefined && !(Number.isInteger(recordSet.ttl) && recordSet.ttl >= 0)) {
    throw new Route53Fault('InvalidInput', `Invalid value for TTL: ${ttl}`);
  }
  if (records !== undefined && values.length === 0) {
    throw new Route53Fault('InvalidInput', 'Invalid request: ResourceRecords must contain at least one ResourceRecord');
  }
  return { action: action as ChangeAction, recordSet };
}

/** Routing-policy fields, kept so a DELETE can be matched against them and listings return them. */
function routingFields(set: XmlElement | undefined): Partial<StoredRecordSet> {
  const text = (name: string) => childText(set, name);
  const weight = text('Weight');
  const multiValueAnswer = text('MultiValueAnswer');
  return Object.fromEntries(
    Object.entries({
      setIdentifier: text('SetIdentifier'),
      weight: weight === undefined ? undefined : Number(weight),
      region: text('Region'),
      failover: text('Failover'),
      multiValueAnswer: multiValueAnswer === undefined ? undefined : multiValueAnswer === 'true',
      healthCheckId: text('HealthCheckId'),
    }).filter(([, value]) => value !== undefined),
  );
}

function parseVpc(element: XmlElement): Vpc {
  return {
    id: required(childText(element, 'VPCId'), 'VPC.VPCId'),
    region: required(childText(element, 'VPCRegion'), 'VPC.VPCRegion'),
  };
}

function parseBody(request: LocalRequest, root: string): XmlElement {
  let document: XmlElement;
  try {
    document = parseXml(request.body);
  } catch (error) {
    throw new Route53Fault('InvalidInput', `Invalid XML in request body: ${(error as Error).message}`);
  }
  if (document.name !== root)
    throw new Route53Fault('InvalidInput', `Expected a ${root} document, got ${document.name}`);
  return document;
}

function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw new Route53Fault('InvalidInput', `Invalid request: missing ${field}`);
  return value;
}

function param(params: Record<string, string>, key: string): string {
  return required(params[key], key);
}

function maxItemsOf(request: LocalRequest, fallback: number): number {
  const raw = request.query.get('maxitems');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Route53Fault('InvalidInput', `Invalid value for maxitems: ${raw}`);
  return value;
}

function ok(body: string): LocalResponse {
  return { status: 200, body };
}

function renderZone(zone: HostedZone): XmlFragment {
  return el(
    'HostedZone',
    el('Id', `/hostedzone/${zone.id}`),
    el('Name', formatDnsName(zone.name)),
    el('CallerReference', zone.callerReference),
    el('Config', optionalEl('Comment', zone.comment), el('PrivateZone', zone.private)),
    el('ResourceRecordSetCount', zone.records.size),
  );
}

function renderDelegationSet(state: Route53State): XmlFragment {
  return el(
    'DelegationSet',
    el(
      'NameServers',
      state.nameServers().map((server) => el('NameServer', server)),
    ),
  );
}

function renderVpc(vpc: Vpc): XmlFragment {
  return el('VPC', el('VPCRegion', vpc.region), el('VPCId', vpc.id));
}

function renderChangeInfo(change: ChangeInfo, status: 'PENDING' | 'INSYNC'): XmlFragment {
  return el(
    'ChangeInfo',
    el('Id', `/change/${change.id}`),
    el('Status', status),
    el('SubmittedAt', change.submittedAt.toISOString()),
    optionalEl('Comment', change.comment),
  );
}

function renderRecordSet(set: StoredRecordSet): XmlFragment {
  return el(
    'ResourceRecordSet',
    el('Name', formatDnsName(set.name)),
    el('Type', set.type),
    optionalEl('SetIdentifier', set.setIdentifier),
    optionalEl('Weight', set.weight),
    optionalEl('Region', set.region),
    optionalEl('Failover', set.failover),
    optionalEl('MultiValueAnswer', set.multiValueAnswer),
    optionalEl('TTL', set.ttl),
    set.values
      ? el(
          'ResourceRecords',
          set.values.map((value) => el('ResourceRecord', el('Value', value))),
        )
      : undefined,
    set.aliasTarget
      ? el(
          'AliasTarget',
          el('HostedZoneId', set.aliasTarget.hostedZoneId),
          el('DNSName', formatDnsName(parseDnsName(set.aliasTarget.dnsName))),
          el('EvaluateTargetHealth', set.aliasTarget.evaluateTargetHealth),
        )
      : undefined,
    optionalEl('HealthCheckId', set.healthCheckId),
  );
}

/** Route 53's error envelope; `Sender` for 4xx, `Receiver` for 5xx. */
function renderError(code: string, message: string, status: number): LocalResponse {
  return {
    status,
    body:
      `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">` +
      `${el('Error', el('Type', status >= 500 ? 'Receiver' : 'Sender'), el('Code', code), el('Message', message)).xml}` +
      `${el('RequestId', randomUUID()).xml}</ErrorResponse>`,
  };
}
