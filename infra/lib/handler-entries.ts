import { fileURLToPath } from 'node:url';

/**
 * Where the Lambda handlers live, and the repository root that bundling resolves packages from. The one place the
 * infrastructure names source files, so moving a handler is a one-line change here.
 */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Lockfile `NodejsFunction` uses to find the project root and pin the bundled dependencies. */
export const LOCK_FILE = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/** Entry file of each Lambda function; each exports `handler`. */
export const HANDLER_ENTRIES = {
  /** EventBridge CloudTrail events from EC2 (and SNS endpoint connection notifications). */
  endpointEvents: fileURLToPath(new URL('../../functions/aws/handlers/endpoint-events.ts', import.meta.url)),
  /** CloudTrail Route 53 events: repairs a zone as soon as someone else edits it. */
  zoneEvents: fileURLToPath(new URL('../../functions/aws/handlers/zone-events.ts', import.meta.url)),
  /** The scheduled drift repair in one invocation (`linkdns invoke`, small fleets). */
  scheduledRepair: fileURLToPath(new URL('../../functions/aws/handlers/scheduled-repair.ts', import.meta.url)),
  /** The scheduled repair's coordinator: lists what to check, sends it to the sweep queue in batches. */
  repairCoordinator: fileURLToPath(new URL('../../functions/aws/handlers/repair-coordinator.ts', import.meta.url)),
  /** The repair's worker: reconciles one sweep batch per SQS message. */
  repairWorker: fileURLToPath(new URL('../../functions/aws/handlers/repair-worker.ts', import.meta.url)),
} as const;

export type HandlerName = keyof typeof HANDLER_ENTRIES;
