import { InvalidInputError } from '../core/errors.ts';
import type { EndpointState, ObservedEndpoint } from '../core/model.ts';

/**
 * The fields of a PSC forwarding rule linkdns reads: the Compute API resource, as printed by
 * `gcloud compute forwarding-rules list --format=json`.
 */
export interface ForwardingRuleDescription {
  readonly name?: string;
  readonly selfLink?: string;
  readonly IPAddress?: string;
  readonly target?: string;
  readonly network?: string;
  readonly region?: string;
  readonly pscConnectionStatus?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

const STATES: Readonly<Record<string, EndpointState>> = {
  ACCEPTED: 'available',
  PENDING: 'pending',
  REJECTED: 'rejected',
  CLOSED: 'deleted',
  NEEDS_ATTENTION: 'failed',
  STATUS_UNSPECIFIED: 'unknown',
};

/**
 * Turns a PSC forwarding rule into the core's view. The zone is the zone suffix of the service attachment the rule
 * targets (`…/serviceAttachments/s-abc-service-attachment-us-central1-a` → `us-central1-a`); the IP is `IPAddress`.
 *
 * @throws InvalidInputError naming the missing or unrecognised field
 */
export function observeForwardingRule(rule: ForwardingRuleDescription, source = 'forwarding rule'): ObservedEndpoint {
  // Input from files (`linkdns records`) is JSON people wrote or edited: check shapes, never trust them.
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    throw new InvalidInputError(
      `${source}: expected a forwarding rule object, found ${rule === null ? 'null' : typeof rule}`,
    );
  }
  const name = required(rule.name, 'name', source);
  const where = `${source} ${name}`;
  const ip = required(rule.IPAddress, 'IPAddress', where);
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip))
    throw new InvalidInputError(`${where}: IPAddress ${ip} is not an IPv4 address`);
  const target = required(rule.target, 'target', where);
  if (!target.includes('/serviceAttachments/')) {
    throw new InvalidInputError(`${where}: target ${target} is not a Private Service Connect service attachment`);
  }
  const zone = /-([a-z]+-[a-z]+\d+-[a-z])$/.exec(target.split('/').pop() ?? '')?.[1];
  return {
    cloud: 'gcp',
    id: typeof rule.selfLink === 'string' && rule.selfLink !== '' ? rule.selfLink : name,
    state: rule.pscConnectionStatus ? (STATES[rule.pscConnectionStatus] ?? 'unknown') : 'available',
    ...(rule.pscConnectionStatus ? { rawState: rule.pscConnectionStatus } : {}),
    scope: required(rule.network, 'network', where),
    service: target,
    targetKind: 'ip',
    regional: [ip],
    zonal: zone ? { [zone]: [ip] } : {},
    tags: Object.fromEntries(
      Object.entries(typeof rule.labels === 'object' && rule.labels !== null ? rule.labels : {}).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    ),
  };
}

/** A non-empty string field, or an {@link InvalidInputError} naming it. */
function required(value: unknown, field: string, where: string): string {
  if (value === undefined || value === null || value === '') throw new InvalidInputError(`${where}: missing ${field}`);
  if (typeof value !== 'string') throw new InvalidInputError(`${where}: ${field} is not a string`);
  return value;
}
