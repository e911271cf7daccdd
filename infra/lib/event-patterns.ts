import { type EventPattern, Match } from 'aws-cdk-lib/aws-events';
import { ENDPOINT_EVENT_NAMES, ZONE_EVENT_NAMES } from '../../functions/aws/cloudtrail-events.ts';

/** CloudTrail API calls as EventBridge delivers them. */
const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';

// The handlers accept exactly these calls; one list, so the rules and the parsers cannot drift apart.
export { ENDPOINT_EVENT_NAMES, ZONE_EVENT_NAMES };

/**
 * VPC endpoint changes. Calls that failed (`errorCode` present) changed nothing and are dropped here; every other
 * event is only a hint; the handler re-reads the endpoint.
 */
export const ENDPOINT_EVENT_PATTERN: EventPattern = {
  source: ['aws.ec2'],
  detailType: [CLOUDTRAIL_API_CALL],
  detail: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: [...ENDPOINT_EVENT_NAMES],
    errorCode: Match.doesNotExist(),
  },
};

/**
 * Route 53 zone edits. Route 53 is a global service: CloudTrail delivers its events to EventBridge in us-east-1
 * only, so a deployment in another region receives them through {@link Route53EventForwarder}.
 * linkdns's own writes match too; the zone-events handler drops them by the caller's role ARN.
 */
export const ZONE_EVENT_PATTERN: EventPattern = {
  source: ['aws.route53'],
  detailType: [CLOUDTRAIL_API_CALL],
  detail: {
    eventSource: ['route53.amazonaws.com'],
    eventName: [...ZONE_EVENT_NAMES],
    errorCode: Match.doesNotExist(),
  },
};

/**
 * {@link ZONE_EVENT_PATTERN}, narrowed to the managed zones when their IDs are known: edits of other zones never
 * reach the function (which could not read them: its Route 53 permissions are scoped to the managed zones).
 * CloudTrail names the zone `requestParameters.hostedZoneId` (`ChangeResourceRecordSets`,
 * `DisassociateVPCFromHostedZone`) or `requestParameters.id` (`DeleteHostedZone`), bare or as `/hostedzone/<id>`.
 */
export function zoneEventPattern(zoneIds: readonly string[]): EventPattern {
  if (zoneIds.length === 0) return ZONE_EVENT_PATTERN;
  const ids = [...new Set(zoneIds.map((id) => id.replace(/^\/?hostedzone\//, '')))].sort();
  const matchers = ids.flatMap((id) => [id, { suffix: `/hostedzone/${id}` }]);
  return {
    ...ZONE_EVENT_PATTERN,
    detail: {
      ...ZONE_EVENT_PATTERN.detail,
      $or: [{ requestParameters: { hostedZoneId: matchers } }, { requestParameters: { id: matchers } }],
    },
  };
}

/** The only region where EventBridge receives Route 53 CloudTrail events. */
export const ROUTE53_EVENTS_REGION = 'us-east-1';
