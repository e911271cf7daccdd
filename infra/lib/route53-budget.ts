import { ConfigError } from '../../functions/core/errors.ts';

/**
 * One Route 53 budget for the whole deployment, by construction: every linkdns function has a reserved concurrency
 * and every instance its own client-side limiter (LINKDNS_ROUTE53_RATE), so all of them together can never send more
 * than Σ reserved concurrency × per-instance rate — kept within `share` of the account's rate.
 *
 * Route 53's account rate: 10 requests/s, token bucket with a burst of 50, since 30 July 2026 (PRODUCT.md §6; "Quotas
 * on Route 53 API requests" in the Route 53 Developer Guide). The bursts of the instances' own buckets (one second's
 * worth each) fit in the account's burst of 50 as long as the budget does.
 */
export const ROUTE53_ACCOUNT_REQUESTS_PER_SECOND = 10;
export const DEFAULT_ROUTE53_SHARE = 0.5;

export interface Route53Budget {
  /** Requests per second each function instance may send (LINKDNS_ROUTE53_RATE). */
  readonly perInstance: number;
  /** Instances of all functions together (Σ reserved concurrency). */
  readonly instances: number;
  /** The deployment's most requests per second: instances × perInstance ≤ share × account rate. */
  readonly total: number;
}

/**
 * The per-instance rate that keeps `instances` within `share` of the account rate, or the one asked for after checking
 * it does. @throws ConfigError when the asked rate would let the deployment exceed its share
 */
export function route53Budget(options: {
  readonly instances: number;
  readonly share?: number;
  readonly accountRate?: number;
  readonly perInstance?: number;
}): Route53Budget {
  const share = options.share ?? DEFAULT_ROUTE53_SHARE;
  const accountRate = options.accountRate ?? ROUTE53_ACCOUNT_REQUESTS_PER_SECOND;
  if (!(share > 0 && share <= 1))
    throw new ConfigError('PrivateLinkDns', [`route53Share must be in (0, 1], not ${share}`]);
  const allowed = share * accountRate;
  // Rounded down to a thousandth so the product never creeps above the share through floating point.
  const perInstance = options.perInstance ?? Math.floor((allowed / options.instances) * 1000) / 1000;
  const total = perInstance * options.instances;
  if (total > allowed + 1e-9) {
    throw new ConfigError('PrivateLinkDns', [
      `route53RequestsPerSecond ${perInstance} x ${options.instances} function instances = ${total} requests/s, ` +
        `more than ${share} of the account's ${accountRate} requests/s (${allowed}); lower the rate or the concurrency`,
    ]);
  }
  return { perInstance, instances: options.instances, total };
}
