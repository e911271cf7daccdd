import { InvalidInputError } from '../core/errors.ts';

/**
 * Google resource names in their several spellings. Compute `selfLink`s and Cloud DNS `networkUrl`s are full URLs
 * (`https://www.googleapis.com/compute/v1/projects/p/global/networks/n`), audit logs carry relative names
 * (`projects/p/regions/r/forwardingRules/n`), and a person may write either. linkdns compares them by the relative
 * part and writes what the API itself returned.
 */

/** Host and version Compute v1 `selfLink`s carry. */
export const COMPUTE_SELF_LINK_PREFIX = 'https://www.googleapis.com/compute/v1/';

const NETWORK = /(?:^|\/)projects\/([^/]+)\/global\/networks\/([^/?#]+)$/;
const FORWARDING_RULE = /(?:^|\/)projects\/([^/]+)\/regions\/([^/]+)\/forwardingRules\/([^/?#]+)$/;

/** `…/projects/p/global/networks/n` (URL or relative name) → `projects/p/global/networks/n`; other input unchanged. */
export function networkPath(network: string): string {
  const match = NETWORK.exec(network.trim());
  return match ? `projects/${match[1]}/global/networks/${match[2]}` : network.trim();
}

/** True when both name the same VPC network, whichever spelling each uses. */
export function sameNetwork(a: string, b: string): boolean {
  return networkPath(a) === networkPath(b);
}

/** The full network URL Cloud DNS `privateVisibilityConfig.networks[].networkUrl` takes. */
export function networkUrl(network: string): string {
  const path = networkPath(network);
  if (!NETWORK.test(path))
    throw new InvalidInputError(`"${network}" is not a VPC network (projects/P/global/networks/N)`);
  return `${COMPUTE_SELF_LINK_PREFIX}${path}`;
}

export interface ForwardingRuleRef {
  readonly project: string;
  readonly region: string;
  readonly name: string;
}

/**
 * A regional forwarding rule from its self link or its relative resource name.
 *
 * @throws InvalidInputError for anything else (global forwarding rules are not PSC endpoints for published services)
 */
export function parseForwardingRuleRef(id: string): ForwardingRuleRef {
  const match = FORWARDING_RULE.exec(id.trim());
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new InvalidInputError(`"${id}" is not a regional forwarding rule (projects/P/regions/R/forwardingRules/N)`);
  }
  return { project: match[1], region: match[2], name: match[3] };
}

/** `projects/P/regions/R/forwardingRules/N` */
export function forwardingRulePath(ref: ForwardingRuleRef): string {
  return `projects/${ref.project}/regions/${ref.region}/forwardingRules/${ref.name}`;
}

/** The `selfLink` Compute v1 gives the rule: the endpoint id linkdns writes into ownership registries. */
export function forwardingRuleSelfLink(ref: ForwardingRuleRef): string {
  return `${COMPUTE_SELF_LINK_PREFIX}${forwardingRulePath(ref)}`;
}
