/**
 * Named errors. Each carries a `retryable` decision: handlers rethrow retryable ones so the platform retries
 * (Lambda async retries, Event Grid redelivery) and report the rest.
 */
export class LinkdnsError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
  }
}

export function isLinkdnsError(error: unknown): error is LinkdnsError {
  return error instanceof LinkdnsError;
}

/** True for errors that a later attempt may not hit: throttling, conflicts, transient server errors. */
export function isRetryable(error: unknown): boolean {
  return isLinkdnsError(error) ? error.retryable : false;
}

/** Configuration is invalid. Lists every problem at once. */
export class ConfigError extends LinkdnsError {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`Invalid configuration in ${source}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

/** An event or input file is malformed or not one linkdns handles. Never retried: the same input fails again. */
export class InvalidInputError extends LinkdnsError {}

/** The private zone for a domain and scope does not exist (and creating it is not opted in). */
export class ZoneNotFoundError extends LinkdnsError {}

/** The zone changed between read and write (Route 53 `InvalidChangeBatch` on a stale DELETE, Azure 412). */
export class ConcurrentChangeError extends LinkdnsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
  }
}

/** The cloud API throttled or failed transiently after the client's own retries. */
export class TransientCloudError extends LinkdnsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
  }
}

/** A change would touch a record linkdns does not own. Raised by adapters as a second line of defence. */
export class OwnershipError extends LinkdnsError {}

/** The endpoints of one zone cannot be expressed in its layout (e.g. two endpoints for one CNAME). */
export class LayoutError extends LinkdnsError {}

/** A mapped endpoint's names or IPs could not be read, so its zone is left as it is rather than written without it. */
export class UnreadableEndpointError extends LinkdnsError {}

/** After applying, the zone still differs from the desired records. */
export class VerificationError extends LinkdnsError {}
