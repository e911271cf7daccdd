import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import type { Trigger } from '../core/report.ts';

/**
 * Parsing of the events that reach the AWS handlers. Events are hints: all that is taken from them is which
 * endpoints or zones to look at again, and an id for the report. The truth is re-read from the APIs.
 */

/** EC2 calls that create, change or delete a VPC endpoint (PRODUCT.md §4). */
export const ENDPOINT_EVENT_NAMES = ['CreateVpcEndpoint', 'ModifyVpcEndpoint', 'DeleteVpcEndpoints'] as const;
/** Route 53 calls after which a managed zone may no longer hold what linkdns wrote. */
export const ZONE_EVENT_NAMES = [
  'ChangeResourceRecordSets',
  'DeleteHostedZone',
  'DisassociateVPCFromHostedZone',
] as const;

const cloudTrailEnvelope = z.object({
  id: z.string().min(1),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  account: z.string().optional(),
  region: z.string().optional(),
  detail: z.looseObject({
    eventSource: z.string(),
    eventName: z.string(),
    eventID: z.string().optional(),
    errorCode: z.string().optional(),
    userIdentity: z.unknown().optional(),
    requestParameters: z.unknown().optional(),
    responseElements: z.unknown().optional(),
  }),
});

const endpointEventSchema = cloudTrailEnvelope.extend({
  source: z.literal('aws.ec2'),
  detail: cloudTrailEnvelope.shape.detail.extend({
    eventSource: z.literal('ec2.amazonaws.com'),
    eventName: z.enum(ENDPOINT_EVENT_NAMES),
  }),
});

const zoneEventSchema = cloudTrailEnvelope.extend({
  source: z.literal('aws.route53'),
  detail: cloudTrailEnvelope.shape.detail.extend({
    eventSource: z.literal('route53.amazonaws.com'),
    eventName: z.enum(ZONE_EVENT_NAMES),
  }),
});

const snsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal('aws:sns'),
        Sns: z.object({ MessageId: z.string(), Message: z.string() }),
      }),
    )
    .min(1),
});

/** `vpce-` followed by 8 or 17 hex digits; `vpce-svc-…` (service ids) do not match. */
const ENDPOINT_ID = /^vpce-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** `vpc-` followed by 8 or 17 hex digits. */
const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;

export interface EndpointEvent {
  readonly trigger: Trigger;
  readonly endpointIds: readonly string[];
  /** Account the endpoint lives in (multi-account deployments read it through a role there). */
  readonly account?: string;
  readonly region?: string;
  /**
   * The one VPC the event names, when it names exactly one (CreateVpcEndpoint carries `VpcId`; Modify and Delete do
   * not): the handler lists that VPC once and finds the endpoint in the listing instead of reading it on its own.
   * A hint only — an endpoint missing from that listing is still read by id.
   */
  readonly vpcId?: string;
  /** CloudTrail `errorCode` when the API call failed: nothing changed, so the handler only logs it. */
  readonly failedCall: boolean;
  readonly errorCode?: string;
}

/**
 * Why `event` is a CloudTrail record as the CloudTrail console, `lookup-events` or a log file shows it, rather than the
 * EventBridge event linkdns receives; `undefined` for anything else. A near miss deserves its own message: the record
 * is right, only the envelope is missing.
 */
export function rawCloudTrailProblem(event: unknown): string | undefined {
  const record = Array.isArray((event as { Records?: unknown } | null)?.Records)
    ? (event as { Records: unknown[] }).Records[0]
    : event;
  if (!record || typeof record !== 'object' || 'detail-type' in record) return undefined;
  const { eventType, eventSource, eventVersion } = record as Record<string, unknown>;
  const cloudTrail =
    (typeof eventType === 'string' && /^Aws(ApiCall|ServiceEvent|ConsoleAction|ConsoleSignIn)$/.test(eventType)) ||
    (typeof eventVersion === 'string' && typeof eventSource === 'string' && eventSource.endsWith('.amazonaws.com'));
  if (!cloudTrail) return undefined;
  const name = (record as { eventName?: unknown }).eventName;
  return (
    `this is a raw CloudTrail record${typeof name === 'string' ? ` (${name})` : ''}: linkdns takes it in EventBridge's ` +
    `"AWS API Call via CloudTrail" envelope — { "source": "aws.ec2" or "aws.route53", "detail-type": "AWS API Call ` +
    `via CloudTrail", "id": …, "detail": <the record> } — as an EventBridge rule delivers it (see events/aws/*.json)`
  );
}

/**
 * Reads an EventBridge CloudTrail event for a VPC endpoint, or an SNS endpoint connection notification.
 * Endpoint ids are collected from anywhere in the request and response: CloudTrail's rendering of EC2's XML
 * (`VpcEndpointId`, `{ tag, content }` items, `vpcEndpoint.vpcEndpointId`) is not a documented contract.
 *
 * @throws InvalidInputError naming what does not match
 */
export function parseEndpointEvent(event: unknown): EndpointEvent {
  const raw = rawCloudTrailProblem(event);
  if (raw) throw new InvalidInputError(`Not a VPC endpoint event: ${raw}`);
  const sns = snsEventSchema.safeParse(event);
  if (sns.success) {
    const first = sns.data.Records[0]?.Sns.MessageId ?? 'sns';
    const ids = boundedIds(
      sns.data.Records.flatMap((record) => collectEndpointIds(parseJsonOrText(record.Sns.Message))),
      `SNS notification ${first}`,
    );
    if (ids.length === 0) throw new InvalidInputError('SNS notification names no VPC endpoint (vpce-…)');
    return {
      trigger: { kind: 'endpoint-event', id: first, description: 'VPC endpoint connection notification (SNS)' },
      endpointIds: ids,
      failedCall: false,
    };
  }
  const parsed = endpointEventSchema.safeParse(event);
  if (!parsed.success)
    throw new InvalidInputError(`Not a VPC endpoint CloudTrail event: ${describeIssues(parsed.error)}`);
  const { detail } = parsed.data;
  const ids = boundedIds(
    [...collectEndpointIds(detail.requestParameters), ...collectEndpointIds(detail.responseElements)],
    `${detail.eventName} event ${parsed.data.id}`,
  );
  const vpcIds = unique([
    ...collectIds(detail.requestParameters, VPC_ID),
    ...collectIds(detail.responseElements, VPC_ID),
  ]);
  if (ids.length === 0 && !detail.errorCode) {
    throw new InvalidInputError(`${detail.eventName} event ${parsed.data.id} names no VPC endpoint (vpce-…)`);
  }
  return {
    trigger: {
      kind: 'endpoint-event',
      id: detail.eventID ?? parsed.data.id,
      description: `${detail.eventName} (CloudTrail ${detail.eventID ?? parsed.data.id})`,
    },
    endpointIds: ids,
    ...(parsed.data.account ? { account: parsed.data.account } : {}),
    ...(parsed.data.region ? { region: parsed.data.region } : {}),
    ...(vpcIds.length === 1 ? { vpcId: vpcIds[0] as string } : {}),
    failedCall: detail.errorCode !== undefined,
    ...(detail.errorCode ? { errorCode: detail.errorCode } : {}),
  };
}

export interface ZoneEvent {
  readonly trigger: Trigger;
  readonly eventName: (typeof ZONE_EVENT_NAMES)[number];
  readonly hostedZoneId: string;
  /** IAM role (session issuer) or user that made the call. */
  readonly principalArn?: string;
  /** `changeBatch.comment` of a ChangeResourceRecordSets call. */
  readonly comment?: string;
  readonly failedCall: boolean;
}

/** Reads an EventBridge CloudTrail event for a Route 53 zone change. @throws InvalidInputError */
export function parseZoneEvent(event: unknown): ZoneEvent {
  const raw = rawCloudTrailProblem(event);
  if (raw) throw new InvalidInputError(`Not a Route 53 zone event: ${raw}`);
  const parsed = zoneEventSchema.safeParse(event);
  if (!parsed.success) throw new InvalidInputError(`Not a Route 53 CloudTrail event: ${describeIssues(parsed.error)}`);
  const { detail } = parsed.data;
  const request = (detail.requestParameters ?? {}) as Record<string, unknown>;
  const rawId = request.hostedZoneId ?? request.id;
  if (typeof rawId !== 'string' || rawId === '') {
    throw new InvalidInputError(
      `${detail.eventName} event ${parsed.data.id}: requestParameters.hostedZoneId is missing`,
    );
  }
  const hostedZoneId = rawId.replace(/^\/?hostedzone\//, '');
  // Route 53 zone ids are upper-case letters and digits (Z0123…); anything else is not worth an API call.
  if (!/^[A-Z0-9]{1,32}$/.test(hostedZoneId)) {
    throw new InvalidInputError(
      `${detail.eventName} event ${parsed.data.id}: "${rawId.slice(0, 64)}" is not a hosted zone id`,
    );
  }
  const identity = detail.userIdentity as
    | { arn?: string; sessionContext?: { sessionIssuer?: { arn?: string } } }
    | undefined;
  const comment = (request.changeBatch as { comment?: unknown } | undefined)?.comment;
  const principalArn = identity?.sessionContext?.sessionIssuer?.arn ?? identity?.arn;
  return {
    trigger: {
      kind: 'zone-event',
      id: detail.eventID ?? parsed.data.id,
      description: `${detail.eventName} on ${rawId} (CloudTrail ${detail.eventID ?? parsed.data.id})`,
    },
    eventName: detail.eventName,
    hostedZoneId,
    ...(principalArn ? { principalArn } : {}),
    ...(typeof comment === 'string' ? { comment } : {}),
    failedCall: detail.errorCode !== undefined,
  };
}

/**
 * Most endpoint ids one event may name. A real call names a handful (DeleteVpcEndpoints takes a list); an event naming
 * more is refused rather than read, so a forged or broken event cannot turn into thousands of EC2 calls. The scheduled
 * repair still converges every zone.
 */
export const MAX_ENDPOINT_IDS_PER_EVENT = 1_000;

/** Most values (strings, numbers, arrays, objects) walked in one event's request and response. */
const MAX_VALUES_WALKED = 200_000;

/**
 * Every `vpce-…` string anywhere in `value`, depth-first. Iterative, with an explicit stack, so an id nested 5,000
 * arrays deep is found instead of overflowing the call stack (`RangeError`); bounded by {@link MAX_VALUES_WALKED}.
 *
 * @throws InvalidInputError when the event holds more values than that
 */
function collectEndpointIds(value: unknown): string[] {
  return collectIds(value, ENDPOINT_ID);
}

/** Every string matching `pattern` anywhere in `value` (endpoint ids, the VPC id), walked as described above. */
function collectIds(value: unknown, pattern: RegExp): string[] {
  const found: string[] = [];
  const stack: unknown[] = [value];
  let walked = 0;
  while (stack.length > 0) {
    const item = stack.pop();
    walked += 1;
    if (walked > MAX_VALUES_WALKED) {
      throw new InvalidInputError(`Event too large: more than ${MAX_VALUES_WALKED} values in its request and response`);
    }
    if (typeof item === 'string') {
      if (pattern.test(item)) found.push(item);
    } else if (Array.isArray(item)) {
      for (let index = item.length - 1; index >= 0; index -= 1) stack.push(item[index]);
    } else if (item && typeof item === 'object') {
      stack.push(...Object.values(item).reverse());
    }
  }
  return found;
}

/** The ids, de-duplicated, or an {@link InvalidInputError} when there are absurdly many. */
function boundedIds(ids: readonly string[], what: string): string[] {
  const distinct = unique(ids);
  if (distinct.length > MAX_ENDPOINT_IDS_PER_EVENT) {
    throw new InvalidInputError(
      `${what} names ${distinct.length} VPC endpoints; more than ${MAX_ENDPOINT_IDS_PER_EVENT} in one event is ` +
        'refused (nothing was read or changed; the scheduled repair covers every endpoint)',
    );
  }
  return distinct;
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.split(/[\s,"]+/);
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
