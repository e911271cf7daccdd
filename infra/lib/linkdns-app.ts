import { type App, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { readAppContext } from './app-context.ts';
import { ROUTE53_EVENTS_REGION } from './event-patterns.ts';
import { PrivateLinkDns, type PrivateLinkDnsProps } from './private-link-dns.ts';
import { PrivateLinkDnsSpoke, type PrivateLinkDnsSpokeProps } from './private-link-dns-spoke.ts';
import { Route53EventForwarder, type Route53EventForwarderProps } from './route53-event-forwarder.ts';

export interface LinkdnsStackProps extends StackProps {
  /** Everything but the alarm topic, which the stack looks up from `alarmTopicArn`. */
  readonly linkdns: Omit<PrivateLinkDnsProps, 'alarmTopic'>;
  /** @default - alarms without actions */
  readonly alarmTopicArn?: string;
}

/** The central linkdns stack: the {@link PrivateLinkDns} construct and the values an operator needs as outputs. */
export class LinkdnsStack extends Stack {
  readonly linkdns: PrivateLinkDns;

  constructor(scope: Construct, id: string, props: LinkdnsStackProps) {
    super(scope, id, props);
    this.linkdns = new PrivateLinkDns(this, 'Linkdns', {
      ...props.linkdns,
      ...(props.alarmTopicArn ? { alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) } : {}),
    });
    new CfnOutput(this, 'ConfigParameterName', { value: this.linkdns.configParameter.parameterName });
    new CfnOutput(this, 'EventDeliveryDlqUrl', { value: this.linkdns.eventDeliveryDlq.queue.queueUrl });
    new CfnOutput(this, 'FailedInvocationsDlqUrl', { value: this.linkdns.failedInvocationsDlq.queue.queueUrl });
    if (this.linkdns.centralEventBus) {
      new CfnOutput(this, 'CentralEventBusArn', { value: this.linkdns.centralEventBus.eventBusArn });
    }
    if (this.linkdns.connectionNotificationTopic) {
      new CfnOutput(this, 'ConnectionNotificationTopicArn', {
        value: this.linkdns.connectionNotificationTopic.topicArn,
      });
    }
  }
}

/** us-east-1 stack that forwards Route 53 zone edits to the region linkdns runs in. */
export class LinkdnsRoute53ForwarderStack extends Stack {
  readonly forwarder: Route53EventForwarder;

  constructor(scope: Construct, id: string, props: StackProps & { readonly forwarder: Route53EventForwarderProps }) {
    super(scope, id, { ...props, env: { ...props.env, region: ROUTE53_EVENTS_REGION } });
    this.forwarder = new Route53EventForwarder(this, 'Route53EventForwarder', props.forwarder);
  }
}

/** The stack a spoke account deploys in a multi-account setup. */
export class LinkdnsSpokeStack extends Stack {
  readonly spoke: PrivateLinkDnsSpoke;

  constructor(scope: Construct, id: string, props: StackProps & { readonly spoke: PrivateLinkDnsSpokeProps }) {
    super(scope, id, props);
    this.spoke = new PrivateLinkDnsSpoke(this, 'LinkdnsSpoke', props.spoke);
  }
}

/**
 * Builds the linkdns app from CDK context (see README "Deploy to AWS"): the central stack `Linkdns` and, when it is
 * not in us-east-1 and zone events are on, `LinkdnsRoute53Forwarder` in us-east-1; or, with `linkdns:spokeOf`, only
 * the spoke stack `LinkdnsSpoke`. cdk-nag's AwsSolutions checks run on every stack as a policy validation plugin.
 */
export function defineLinkdnsApp(app: App, env: Readonly<Record<string, string | undefined>> = process.env): Stack[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const context = readAppContext(app.node, env);
  const region = context.region ?? ROUTE53_EVENTS_REGION;
  const stackEnv = { region, ...(context.account ? { account: context.account } : {}) };

  if (context.spokeOf) {
    return [
      new LinkdnsSpokeStack(app, 'LinkdnsSpoke', {
        env: stackEnv,
        description: 'linkdns spoke: forwards VPC endpoint events to the central account and lets it read endpoints',
        spoke: {
          centralAccount: context.spokeOf,
          ...(context.centralRegion ? { centralRegion: context.centralRegion } : {}),
          ...(context.spokeRoleName ? { roleName: context.spokeRoleName } : {}),
        },
      }),
    ];
  }

  const central = new LinkdnsStack(app, 'Linkdns', {
    env: stackEnv,
    description: 'linkdns: keeps private DNS right for PrivateLink endpoints',
    ...(context.alarmTopicArn ? { alarmTopicArn: context.alarmTopicArn } : {}),
    linkdns: {
      config: context.config,
      managedZoneIds: context.zoneIds,
      ...(context.anyHostedZone ? { allowAnyHostedZone: true } : {}),
      extraVpcIds: context.extraVpcIds,
      spokeAccounts: context.spokeAccounts,
      zoneEvents: context.zoneEvents,
      endpointConnectionNotifications: context.connectionNotifications,
      ...(context.schedule ? { schedule: Schedule.expression(context.schedule) } : {}),
      ...(context.repairMode ? { repairMode: context.repairMode } : {}),
      ...(context.createZones !== undefined ? { createZones: context.createZones } : {}),
      ...(context.spokeRoleName ? { spokeRoleName: context.spokeRoleName } : {}),
    },
  });
  const stacks: Stack[] = [central];
  if (context.zoneEvents && region !== ROUTE53_EVENTS_REGION) {
    stacks.push(
      new LinkdnsRoute53ForwarderStack(app, 'LinkdnsRoute53Forwarder', {
        env: stackEnv,
        description: `linkdns: forwards Route 53 zone edits from ${ROUTE53_EVENTS_REGION} to ${region}`,
        forwarder: { targetRegion: region, managedZoneIds: context.zoneIds },
      }),
    );
  }
  return stacks;
}
