import { Arn, Stack } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, PolicyDocument, Role } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { ENDPOINT_EVENT_PATTERN } from './event-patterns.ts';
import { EC2_DESCRIBE_REASON, readEndpointsStatement } from './linkdns-permissions.ts';
import { acknowledgeWildcardResource } from './nag-acknowledgements.ts';
import { DEFAULT_CENTRAL_EVENT_BUS_NAME, DEFAULT_ROLE_PATH, DEFAULT_SPOKE_ROLE_NAME } from './private-link-dns.ts';

export interface PrivateLinkDnsSpokeProps {
  /** Account where {@link PrivateLinkDns} runs with this account in its `spokeAccounts`. */
  readonly centralAccount: string;
  /**
   * Region of the central deployment.
   * @default - this stack's region
   */
  readonly centralRegion?: string;
  /**
   * Name of the central event bus.
   * @default 'linkdns-central'
   */
  readonly centralEventBusName?: string;
  /**
   * Name of the read-only role; must match the central deployment's `spokeRoleName`.
   * @default 'linkdns-endpoint-reader'
   */
  readonly roleName?: string;
  /**
   * IAM path of the central functions' roles; only roles under it may assume the reader role.
   * @default '/linkdns/'
   */
  readonly centralRolePath?: string;
  /**
   * Topic the dead-letter queue alarm notifies.
   * @default - alarm without actions
   */
  readonly alarmTopic?: ITopic;
}

/**
 * What a spoke account of a multi-account linkdns deployment needs: a rule that forwards this account's VPC
 * endpoint CloudTrail events to the central event bus (with a dead-letter queue), and a read-only role the central
 * functions assume to re-read endpoints here. The role can describe VPC endpoints, subnets and availability zones,
 * nothing else; DNS stays in the central account.
 */
export class PrivateLinkDnsSpoke extends Construct {
  readonly forwardingRule: Rule;
  readonly readerRole: Role;
  readonly deliveryDlq: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: PrivateLinkDnsSpokeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const rolePath = (props.centralRolePath ?? DEFAULT_ROLE_PATH).replace(/^\/|\/$/g, '');
    const centralRoles = Arn.format({
      partition: stack.partition,
      service: 'iam',
      region: '',
      account: props.centralAccount,
      resource: 'role',
      resourceName: rolePath ? `${rolePath}/*` : '*',
    });

    this.readerRole = new Role(this, 'ReaderRole', {
      roleName: props.roleName ?? DEFAULT_SPOKE_ROLE_NAME,
      description: 'linkdns: the central linkdns functions re-read VPC endpoints of this account',
      assumedBy: new AccountPrincipal(props.centralAccount).withConditions({
        ArnLike: { 'aws:PrincipalArn': centralRoles },
      }),
      inlinePolicies: { ReadVpcEndpoints: new PolicyDocument({ statements: [readEndpointsStatement()] }) },
    });
    acknowledgeWildcardResource(this.readerRole, '*', EC2_DESCRIBE_REASON);

    this.deliveryDlq = new DeadLetterQueue(this, 'DeliveryDlq', {
      holds: 'VPC endpoint events that could not be forwarded to the central linkdns event bus',
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });
    const centralBus = EventBus.fromEventBusArn(
      this,
      'CentralEventBus',
      Arn.format({
        partition: stack.partition,
        service: 'events',
        region: props.centralRegion ?? stack.region,
        account: props.centralAccount,
        resource: 'event-bus',
        resourceName: props.centralEventBusName ?? DEFAULT_CENTRAL_EVENT_BUS_NAME,
      }),
    );
    this.forwardingRule = new Rule(this, 'ForwardEndpointEvents', {
      description: 'linkdns: forwards VPC endpoint changes to the central linkdns account',
      eventPattern: ENDPOINT_EVENT_PATTERN,
      targets: [new EventBusTarget(centralBus, { deadLetterQueue: this.deliveryDlq.queue })],
    });
  }
}
