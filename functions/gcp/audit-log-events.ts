import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import { forwardingRuleSelfLink, parseForwardingRuleRef } from './gcp-resource-names.ts';

/**
 * Cloud Audit Log entries as Eventarc delivers them to a Cloud Function (2nd gen): a CloudEvent of type
 * `google.cloud.audit.log.v1.written` whose `data` is the LogEntry, the AuditLog in `data.protoPayload`
 * (https://cloud.google.com/eventarc/docs/cloudevents, https://cloud.google.com/logging/docs/audit/understanding-audit-logs).
 * `data` is untyped on the wire, so it is validated here; handlers see only the few fields linkdns needs.
 *
 * Long-running operations (every Compute write) log a first and a last entry (`data.operation.first` / `.last`);
 * both are handled, since handlers re-read the truth either way.
 */

export const AUDIT_LOG_EVENT_TYPE = 'google.cloud.audit.log.v1.written';

/**
 * Forwarding-rule methods that change what linkdns reads: insert and delete (the triggers to deploy), plus setLabels
 * and setTarget. Spelling *unconfirmed* (PRODUCT.md §4): matched case-insensitively, any API version (`v1.`, `beta.`,
 * `alpha.`) accepted.
 */
const FORWARDING_RULE_METHOD = /^(?:v1|beta|alpha)\.compute\.forwardingrules\.(insert|delete|setlabels|settarget)$/i;

/** Cloud DNS record writes: `changes.create` (console, gcloud transactions, APIs) and the record-set methods. */
const RECORD_METHOD = /^dns\.(?:changes\.create|resourcerecordsets\.(?:create|patch|update|delete))$/i;

const auditLog = z.looseObject({
  serviceName: z.string().min(1),
  methodName: z.string().min(1),
  resourceName: z.string().optional(),
  authenticationInfo: z.looseObject({ principalEmail: z.string().optional() }).optional(),
  request: z.record(z.string(), z.unknown()).optional(),
  status: z.looseObject({ code: z.number().optional(), message: z.string().optional() }).optional(),
});

const logEntry = z.looseObject({
  insertId: z.string().optional(),
  logName: z.string().optional(),
  protoPayload: auditLog,
  resource: z
    .looseObject({ type: z.string().optional(), labels: z.record(z.string(), z.string()).optional() })
    .optional(),
  operation: z
    .looseObject({ id: z.string().optional(), first: z.boolean().optional(), last: z.boolean().optional() })
    .optional(),
});

const cloudEvent = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  source: z.string().optional(),
  data: logEntry,
});

/** The fields of an audit-log CloudEvent linkdns uses. */
export interface AuditLogEvent {
  readonly id: string;
  readonly type: string;
  readonly serviceName: string;
  readonly methodName: string;
  readonly resourceName: string | undefined;
  /** Who made the call: a user's or a service account's email (absent for some system calls). */
  readonly principalEmail: string | undefined;
  readonly request: Readonly<Record<string, unknown>> | undefined;
  readonly resourceLabels: Readonly<Record<string, string>>;
  /** `first`, `last`, both (a one-entry operation) or neither (no operation). */
  readonly operationPhase: 'first' | 'last' | 'only' | 'none';
}

/**
 * Validates an audit-log CloudEvent.
 *
 * @throws InvalidInputError listing what is missing or malformed
 */
export function parseAuditLogEvent(event: unknown): AuditLogEvent {
  const parsed = cloudEvent.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
    );
    throw new InvalidInputError(`Malformed audit-log CloudEvent: ${problems.join('; ')}`);
  }
  const { id, type, data } = parsed.data;
  const first = data.operation?.first === true;
  const last = data.operation?.last === true;
  return {
    id,
    type,
    serviceName: data.protoPayload.serviceName,
    methodName: data.protoPayload.methodName,
    resourceName: data.protoPayload.resourceName,
    principalEmail: data.protoPayload.authenticationInfo?.principalEmail,
    request: data.protoPayload.request,
    resourceLabels: data.resource?.labels ?? {},
    operationPhase: first && last ? 'only' : first ? 'first' : last ? 'last' : 'none',
  };
}

function typeMismatch(event: AuditLogEvent): string | undefined {
  return event.type.toLowerCase() === AUDIT_LOG_EVENT_TYPE
    ? undefined
    : `event type ${event.type} is not an audit log entry`;
}

/**
 * The forwarding rule a Compute audit-log event is about, as the self link linkdns records, or why the event is not
 * one linkdns handles. An insert whose request names a target that is not a service attachment, or a backend service
 * (load balancers), is not a PSC endpoint and is ignored without a call.
 *
 * @throws InvalidInputError when it is a forwarding-rule event without a usable resource name
 */
export function forwardingRuleOf(
  event: AuditLogEvent,
  projectIds: ReadonlyMap<string, string> = new Map(),
): string | { readonly ignored: string } {
  const mismatch = typeMismatch(event);
  if (mismatch) return { ignored: mismatch };
  if (event.serviceName.toLowerCase() !== 'compute.googleapis.com') {
    return { ignored: `service ${event.serviceName} is not compute.googleapis.com` };
  }
  if (!FORWARDING_RULE_METHOD.test(event.methodName)) {
    return { ignored: `method ${event.methodName} is not a forwarding-rule insert, delete, setLabels or setTarget` };
  }
  if (!event.resourceName) throw new InvalidInputError(`Event ${event.id}: ${event.methodName} without resourceName`);
  const target = event.request?.target;
  if (typeof target === 'string' && target !== '' && !target.includes('/serviceAttachments/')) {
    return { ignored: `forwarding rule ${event.resourceName} targets ${target}, not a PSC service attachment` };
  }
  // A passthrough Network Load Balancer's rule names a backend service instead of a target; the field "must be
  // omitted for all other load balancer types" and PSC endpoints (forwardingRules reference, `backendService`).
  const backendService = event.request?.backendService;
  if (typeof backendService === 'string' && backendService !== '') {
    return { ignored: `forwarding rule ${event.resourceName} is a load balancer (backend service ${backendService})` };
  }
  const ref = parseForwardingRuleRef(event.resourceName);
  return forwardingRuleSelfLink({ ...ref, project: projectIdOf(ref.project, event, projectIds) });
}

/**
 * Audit logs may name a project by number (`projects/123456789012/…`); linkdns's registries and Compute self links
 * use the project id. The LogEntry's monitored resource carries the id (`resource.labels.project_id`); else the
 * configured number → id map; else the number stays, and the event matches nothing rather than the wrong rule.
 */
function projectIdOf(project: string, event: AuditLogEvent, projectIds: ReadonlyMap<string, string>): string {
  if (!/^\d+$/.test(project)) return project;
  const labelled = event.resourceLabels.project_id;
  if (labelled && !/^\d+$/.test(labelled)) return labelled;
  return projectIds.get(project) ?? project;
}

/** What a Cloud DNS record event names: the managed zone (by name) and the caller. */
export interface RecordChange {
  readonly zoneName: string;
  readonly principalEmail: string | undefined;
}

/**
 * The managed zone a Cloud DNS audit-log event changed, or why the event is not a record write. The zone comes from
 * `resourceName` (`projects/P/managedZones/Z`…) or the monitored resource's `zone_name` label (the exact spelling of
 * both is *unconfirmed*; either is enough).
 *
 * @throws InvalidInputError when it is a record write but names no zone
 */
export function recordChangeOf(event: AuditLogEvent): RecordChange | { readonly ignored: string } {
  const mismatch = typeMismatch(event);
  if (mismatch) return { ignored: mismatch };
  if (event.serviceName.toLowerCase() !== 'dns.googleapis.com') {
    return { ignored: `service ${event.serviceName} is not dns.googleapis.com` };
  }
  if (!RECORD_METHOD.test(event.methodName)) return { ignored: `method ${event.methodName} is not a record write` };
  const zoneName = /managedZones\/([^/]+)/i.exec(event.resourceName ?? '')?.[1] ?? event.resourceLabels.zone_name;
  if (!zoneName) throw new InvalidInputError(`Event ${event.id}: ${event.methodName} names no managed zone`);
  return { zoneName, principalEmail: event.principalEmail };
}

/** True when `serviceAccount` made the call (emails compare case-insensitively). */
export function isCaller(event: Pick<AuditLogEvent, 'principalEmail'>, serviceAccount: string | undefined): boolean {
  return (
    serviceAccount !== undefined &&
    event.principalEmail !== undefined &&
    event.principalEmail.toLowerCase() === serviceAccount.toLowerCase()
  );
}
