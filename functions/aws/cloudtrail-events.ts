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

export interface EndpointEvent {
  readonly trigger: Trigger;
  readonly endpointIds: readonly string[];
  /** Account the endpoint lives in (multi-account deployments read it through a role there). */
  readonly account?: string;
  readonly region?: string;
  /** The API call failed (CloudTrail `errorCode`): nothing changed, but looking again is harmless. */
  readonly failedCall: boolean;
}

/**
 * Reads an EventBridge CloudTrail event for a VPC endpoint, or an SNS endpoint connection notification.
 * Endpoint ids are collected from anywhere in the request and response: CloudTrail's rendering of EC2's XML
 * (`VpcEndpointId`, `{ tag, content }` items, `vpcEndpoint.vpcEndpointId`) is not a documented contract.
 *
 * @throws InvalidInputError naming what does not match
 */
export function parseEndpointEvent(event: unknown): EndpointEvent {
  const sns = snsEventSchema.safeParse(event);
  if (sns.success) {
    const ids = sns.data.Records.flatMap((record) => collectEndpointIds(parseJsonOrText(record.Sns.Message)));
    if (ids.length === 0) throw new InvalidInputError('SNS notification names no VPC endpoint (vpce-…)');
    const first = sns.data.Records[0]?.Sns.MessageId ?? 'sns';
    return {
      trigger: { kind: 'endpoint-event', id: first, description: 'VPC endpoint connection notification (SNS)' },
      endpointIds: unique(ids),
      failedCall: false,
    };
  }
  const parsed = endpointEventSchema.safeParse(event);
  if (!parsed.success)
    throw new InvalidInputError(`Not a VPC endpoint CloudTrail event: ${describeIssues(parsed.error)}`);
  const { detail } = parsed.data;
  const ids = unique([...collectEndpointIds(detail.requestParameters), ...collectEndpointIds(detail.responseElements)]);
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
    failedCall: detail.errorCode !== undefined,
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
    hostedZoneId: rawId.replace(/^\/?hostedzone\//, ''),
    ...(principalArn ? { principalArn } : {}),
    ...(typeof comment === 'string' ? { comment } : {}),
    failedCall: detail.errorCode !== undefined,
  };
}

function collectEndpointIds(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (ENDPOINT_ID.test(value)) found.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectEndpointIds(item, found);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) collectEndpointIds(item, found);
  }
  return found;
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
