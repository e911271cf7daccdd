/**
 * `linkdns/cdk`: the constructs for a CDK app of your own. Built into `dist/cdk/index.js` by `npm run build`, with the
 * Lambda code pre-built next to it (`dist/lambda/`): synthesis needs no esbuild and no copy of this repository.
 *
 * @example
 * import { PrivateLinkDns } from 'linkdns/cdk';
 * new PrivateLinkDns(stack, 'Dns', {
 *   config: { owner: 'platform-prod', mappings: [{ service: 'com.amazonaws.vpce.us-east-2.vpce-svc-*', domain: 'pr1jy6.us-east-2.aws.confluent.cloud' }] },
 *   managedZoneIds: ['Z0123456789ABCDEFGHIJ'],
 * });
 */
export type { LinkdnsConfig } from '../../functions/core/config.ts';
export { DeadLetterQueue } from './dead-letter-queue.ts';
export { LinkdnsFunction } from './linkdns-function.ts';
export {
  DEFAULT_CENTRAL_EVENT_BUS_NAME,
  DEFAULT_ROLE_PATH,
  DEFAULT_SPOKE_ROLE_NAME,
  type LinkdnsConfigInput,
  PrivateLinkDns,
  type PrivateLinkDnsProps,
  type RepairMode,
} from './private-link-dns.ts';
export { PrivateLinkDnsSpoke, type PrivateLinkDnsSpokeProps } from './private-link-dns-spoke.ts';
