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

/** `claims` and `httpRequest` arrive as objects; older payloads carried them as JSON strings. Accept both. */
const jsonObject = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  },
  z.record(z.string(), z.unknown()),
);

const resourceEventData = z.looseObject({
  operationName: z.string().min(1),
  resourceUri: z.string().startsWith('/subscriptions/').optional(),
  status: z.string().optional(),
  subscriptionId: z.string().optional(),
  claims: jsonObject.optional(),
  authorization: z.looseObject({ evidence: z.looseObject({ principalId: z.string().optional() }).nullish() }).nullish(),
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
  const claims = data.claims ?? {};
  const oid = claims[OBJECT_ID_CLAIM] ?? claims.oid;
  const caller = typeof oid === 'string' ? oid : (data.authorization?.evidence?.principalId ?? undefined);
  return {
    id,
    eventType: (eventType ?? type) as string,
    operationName: data.operationName,
    resourceUri: data.resourceUri ?? subject,
    callerObjectId: caller?.toLowerCase(),
  };
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
