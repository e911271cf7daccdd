import { Arn, Aws, Stack, Token } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { ROUTE53_EVENTS_REGION, zoneEventPattern } from './event-patterns.ts';

export interface Route53EventForwarderProps {
  /** Region of the {@link PrivateLinkDns} deployment whose default event bus receives the events. */
  readonly targetRegion: string;
  /**
   * Same as the deployment's `managedZoneIds`: only edits of these zones are forwarded.
   * @default - edits of any zone
   */
  readonly managedZoneIds?: readonly string[];
  /**
   * Topic the dead-letter queue alarm notifies; it must be in us-east-1 like this construct.
   * @default - alarm without actions
   */
  readonly alarmTopic?: ITopic;
}

/**
 * Route 53 is a global service: EventBridge receives its CloudTrail events in us-east-1 only. This construct, deployed
 * in us-east-1 in the same account, forwards the zone edits linkdns cares about to the default event bus of the
 * region where linkdns runs, where its zone-events rule picks them up. Same account: the target bus needs no policy.
 */
export class Route53EventForwarder extends Construct {
  readonly rule: Rule;
  readonly deliveryDlq: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: Route53EventForwarderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && stack.region !== ROUTE53_EVENTS_REGION) {
      throw new Error(`Route53EventForwarder must be deployed in ${ROUTE53_EVENTS_REGION}, not ${stack.region}`);
    }
    if (props.targetRegion === ROUTE53_EVENTS_REGION) {
      // Forwarding to the bus the rule listens on would send every event around in a loop.
      throw new Error(
        `A deployment in ${ROUTE53_EVENTS_REGION} receives Route 53 events directly; no forwarder needed`,
      );
    }
    this.deliveryDlq = new DeadLetterQueue(this, 'DeliveryDlq', {
      holds: `Route 53 events that could not be forwarded to ${props.targetRegion}`,
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });
    const target = EventBus.fromEventBusArn(
      this,
      'TargetBus',
      Arn.format({
        partition: stack.partition,
        service: 'events',
        region: props.targetRegion,
        account: Aws.ACCOUNT_ID,
        resource: 'event-bus',
        resourceName: 'default',
      }),
    );
    this.rule = new Rule(this, 'ForwardZoneEvents', {
      description: `linkdns: forwards Route 53 zone edits to ${props.targetRegion}`,
      eventPattern: zoneEventPattern(props.managedZoneIds ?? []),
      targets: [new EventBusTarget(target, { deadLetterQueue: this.deliveryDlq.queue })],
    });
  }
}
