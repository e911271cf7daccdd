import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';

/**
 * Event Grid resource events (`Microsoft.Resources.ResourceWriteSuccess` / `ResourceDeleteSuccess`) as the Functions
 * Event Grid trigger delivers them, in the Event Grid schema or as CloudEvents 1.0. Event `data` is untyped on the
 * wire, so it is validated here; the handlers see only the few fields linkdns needs.
 */

export const RESOURCE_EVENT_TYPES = [
  'Microsoft.Resources.ResourceWriteSuccess',
  'Microsoft.Resources.ResourceDeleteSuccess',
] as const;

/** Operation names of private endpoint writes and deletes (spelling unconfirmed: matched case-insensitively). */
export const ENDPOINT_OPERATIONS = [
  'Microsoft.Network/privateEndpoints/write',
  'Microsoft.Network/privateEndpoints/delete',
];

/** Record-set operations in Private DNS zones, one per type (the Event Grid filter lists them all). */
export const RECORD_SET_OPERATIONS = ['A', 'AAAA', 'CNAME', 'MX', 'PTR', 'SOA', 'SRV', 'TXT'].flatMap((type) => [
  `Microsoft.Network/privateDnsZones/${type}/write`,
  `Microsoft.Network/privateDnsZones/${type}/delete`,
]);

const ENDPOINT_OPERATION = /^microsoft\.network\/privateendpoints\/(write|delete)$/i;
const RECORD_SET_OPERATION =
  /^microsoft\.network\/privatednszones\/(a|aaaa|cname|mx|ptr|soa|srv|txt)\/(write|delete)$/i;
const OBJECT_ID_CLAIM = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

/**
 * Strict on what linkdns uses (`operationName`, `resourceUri`), tolerant of the rest: `claims`, `authorization` and
 * `httpRequest` only help tell linkdns's own writes apart, and real events vary there (claims as an object or a JSON
 * string; `authorization.evidence` as an object or, in some events, an array), so any shape is accepted and read
 * best-effort by {@link callerObjectId}.
 */
const resourceEventData = z.looseObject({
  operationName: z.string().min(1),
  resourceUri: z.string().startsWith('/subscriptions/').optional(),
  claims: z.unknown().optional(),
  authorization: z.unknown().optional(),
});

const eventSchema = z
  .looseObject({
    id: z.string().min(1),
    subject: z.string().min(1),
    /** Event Grid schema. */
    eventType: z.string().optional(),
    /** CloudEvents 1.0 schema. */
    type: z.string().optional(),
    data: resourceEventData,
  })
  .refine((event) => event.eventType !== undefined || event.type !== undefined, {
    message: 'needs eventType (Event Grid schema) or type (CloudEvents)',
    path: ['eventType'],
  });

export interface ResourceEvent {
  readonly id: string;
  readonly eventType: string;
  readonly operationName: string;
  /** The resource the event is about (`data.resourceUri`, else `subject`). */
  readonly resourceUri: string;
  /** Object id of the caller: the objectidentifier claim, else the role-assignment evidence's principal. */
  readonly callerObjectId: string | undefined;
}

/**
 * Validates an Event Grid resource event.
 *
 * @throws InvalidInputError listing what is missing or malformed
 */
export function parseResourceEvent(event: unknown): ResourceEvent {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
    );
    throw new InvalidInputError(`Malformed Event Grid event: ${problems.join('; ')}`);
  }
  const { id, subject, eventType, type, data } = parsed.data;
  const caller = callerObjectId(data.claims, data.authorization);
  return {
    id,
    eventType: (eventType ?? type) as string,
    operationName: data.operationName,
    resourceUri: data.resourceUri ?? subject,
    callerObjectId: caller?.toLowerCase(),
  };
}

/** The caller's object id: the objectidentifier claim, else a role-assignment evidence's principal; else none. */
function callerObjectId(claims: unknown, authorization: unknown): string | undefined {
  const claimSet = asObject(typeof claims === 'string' ? parseJson(claims) : claims);
  const oid = claimSet?.[OBJECT_ID_CLAIM] ?? claimSet?.oid;
  if (typeof oid === 'string' && oid !== '') return oid;
  const evidence = asObject(authorization)?.evidence;
  for (const item of Array.isArray(evidence) ? evidence : [evidence]) {
    const principalId = asObject(item)?.principalId;
    if (typeof principalId === 'string' && principalId !== '') return principalId;
  }
  return undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * True when `objectId` made the change. Claims carry the object id as a GUID with dashes; role-assignment evidence
 * carries it as 32 hex digits without: compare without dashes, case-insensitively.
 */
export function isCaller(event: ResourceEvent, objectId: string | undefined): boolean {
  const plain = (id: string) => id.toLowerCase().replaceAll('-', '');
  return (
    objectId !== undefined && event.callerObjectId !== undefined && plain(event.callerObjectId) === plain(objectId)
  );
}

function isResourceEventType(eventType: string): boolean {
  return RESOURCE_EVENT_TYPES.some((known) => known.toLowerCase() === eventType.toLowerCase());
}

/** Why an event is not a private endpoint write or delete; `undefined` when it is one. */
export function endpointEventMismatch(event: ResourceEvent): string | undefined {
  if (!isResourceEventType(event.eventType)) return `event type ${event.eventType} is not a resource write or delete`;
  if (!ENDPOINT_OPERATION.test(event.operationName))
    return `operation ${event.operationName} is not a private endpoint write or delete`;
  return undefined;
}

const RECORD_SET_URI =
  /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)\/(A|AAAA|CNAME|MX|PTR|SOA|SRV|TXT)\/([^/]+)$/i;

export interface RecordSetChange {
  readonly resourceGroup: string;
  readonly zone: string;
  readonly type: string;
  readonly relativeName: string;
}

/** The record set a zone event is about, or why the event is not a record-set change. */
export function recordSetChange(event: ResourceEvent): RecordSetChange | string {
  if (!isResourceEventType(event.eventType)) return `event type ${event.eventType} is not a resource write or delete`;
  if (!RECORD_SET_OPERATION.test(event.operationName)) {
    return `operation ${event.operationName} is not a Private DNS record-set write or delete`;
  }
  const match = RECORD_SET_URI.exec(event.resourceUri);
  if (!match?.[1] || !match[2] || !match[3] || !match[4]) {
    throw new InvalidInputError(`Event ${event.id}: ${event.resourceUri} is not a Private DNS record set id`);
  }
  return {
    resourceGroup: match[1],
    zone: match[2].toLowerCase(),
    type: match[3].toUpperCase(),
    relativeName: decodeURIComponent(match[4]).toLowerCase(),
  };
}
