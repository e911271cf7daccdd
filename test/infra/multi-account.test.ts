import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINT_EVENT_NAMES, ZONE_EVENT_NAMES } from '../../infra/lib/event-patterns.ts';
import { PrivateLinkDns } from '../../infra/lib/private-link-dns.ts';
import { PrivateLinkDnsSpoke } from '../../infra/lib/private-link-dns-spoke.ts';
import { Route53EventForwarder } from '../../infra/lib/route53-event-forwarder.ts';
import { renderValue, resourcesOf, roleStatements, type Synthesized, synthesize } from './synth-support.ts';

const CENTRAL = '111111111111';
const SPOKES = ['222222222222', '333333333333'];
const REGION = 'eu-central-1';
const DOMAIN = 'p8xo76.eu-central-1.aws.confluent.cloud';

describe('central account with spoke accounts', () => {
  let synth: Synthesized;
  let template: Template;

  beforeAll(() => {
    synth = synthesize((app) => {
      const stack = new Stack(app, 'Central', { env: { account: CENTRAL, region: REGION } });
      new PrivateLinkDns(stack, 'Linkdns', {
        config: {
          owner: 'org-dns',
          mappings: [{ service: 'com.amazonaws.vpce.eu-central-1.vpce-svc-*', domain: DOMAIN }],
        },
        managedZoneIds: ['Z0ABCDEF'],
        spokeAccounts: SPOKES,
      });
      return [stack];
    });
    template = synth.template(synth.stacks[0] as Stack);
  });
  afterAll(() => synth.dispose());

  it('passes the AwsSolutions checks with no unacknowledged finding', () => {
    expect(synth.violations).toEqual([]);
  });

  it('creates a central bus that only the spoke accounts may put events on', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'linkdns-central' });
    const policies = Object.values(template.findResources('AWS::Events::EventBusPolicy')) as {
      Properties: { Statement: { Principal: { AWS: unknown[] }; Action: string; Effect: string } };
    }[];
    expect(policies).toHaveLength(1);
    const statement = policies[0]?.Properties.Statement;
    expect(statement?.Action).toBe('events:PutEvents');
    expect(statement?.Principal.AWS.map(renderValue)).toEqual(
      SPOKES.map((account) => `arn:<AWS::Partition>:iam::${account}:root`),
    );
  });

  it('routes the spoke accounts’ endpoint events on the central bus to the endpoint function', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^LinkdnsCentralEventBus') },
      EventPattern: Match.objectLike({
        source: ['aws.ec2'],
        account: SPOKES,
        detail: Match.objectLike({ eventName: [...ENDPOINT_EVENT_NAMES] }),
      }),
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LinkdnsEndpointEventsFunction'), 'Arn'] },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
  });

  it.each(['EndpointEvents', 'ZoneEvents', 'ScheduledRepair'])(
    'lets %s assume the reader role in each spoke account and names it in the environment',
    (fn) => {
      const assume = roleStatements(template, `Linkdns${fn}Role`).find(
        (statement) => statement.Sid === 'AssumeSpokeEndpointReader',
      );
      expect(assume?.Action).toBe('sts:AssumeRole');
      expect(assume && resourcesOf(assume)).toEqual(
        SPOKES.map((account) => `arn:<AWS::Partition>:iam::${account}:role/linkdns-endpoint-reader`),
      );
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^Linkdns${fn}Role`), 'Arn'] },
        Environment: {
          Variables: Match.objectLike({
            LINKDNS_ASSUME_ROLE_NAME: 'linkdns-endpoint-reader',
            LINKDNS_SPOKE_ACCOUNTS: SPOKES.join(','),
          }),
        },
      });
    },
  );

  it('puts the function roles under the /linkdns/ path the spoke roles trust', () => {
    template.allResourcesProperties('AWS::IAM::Role', { Path: '/linkdns/' });
  });
});

describe('spoke account', () => {
  let synth: Synthesized;
  let template: Template;

  beforeAll(() => {
    synth = synthesize((app) => {
      const stack = new Stack(app, 'Spoke', { env: { account: SPOKES[0] as string, region: REGION } });
      new PrivateLinkDnsSpoke(stack, 'LinkdnsSpoke', { centralAccount: CENTRAL });
      return [stack];
    });
    template = synth.template(synth.stacks[0] as Stack);
  });
  afterAll(() => synth.dispose());

  it('passes the AwsSolutions checks with no unacknowledged finding', () => {
    expect(synth.violations).toEqual([]);
  });

  it('creates a reader role only the central linkdns roles may assume, able to describe endpoints and nothing else', () => {
    const roles = Object.values(
      template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'linkdns-endpoint-reader' } }),
    ) as {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: {
            Principal: { AWS: unknown };
            Condition: { ArnLike: Record<string, unknown> };
            Action: string;
          }[];
        };
        Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: string; Effect: string }[] } }[];
        ManagedPolicyArns?: unknown;
      };
    }[];
    expect(roles).toHaveLength(1);
    const role = roles[0]?.Properties;
    const trust = role?.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust?.[0]?.Action).toBe('sts:AssumeRole');
    expect(renderValue(trust?.[0]?.Principal.AWS)).toBe(`arn:<AWS::Partition>:iam::${CENTRAL}:root`);
    expect(Object.keys(trust?.[0]?.Condition ?? {})).toEqual(['ArnLike']);
    expect(renderValue(trust?.[0]?.Condition.ArnLike['aws:PrincipalArn'])).toBe(
      `arn:<AWS::Partition>:iam::${CENTRAL}:role/linkdns/*`,
    );
    expect(role?.ManagedPolicyArns).toBeUndefined();
    expect(role?.Policies.flatMap((policy) => policy.PolicyDocument.Statement)).toEqual([
      {
        Sid: 'ReadVpcEndpoints',
        Effect: 'Allow',
        Action: ['ec2:DescribeVpcEndpoints', 'ec2:DescribeSubnets', 'ec2:DescribeAvailabilityZones'],
        Resource: '*',
      },
    ]);
  });

  it('forwards this account’s endpoint events to the central bus, with a dead-letter queue', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as {
      Properties: { EventPattern: unknown; Targets: { Arn: unknown; DeadLetterConfig?: unknown; RoleArn?: unknown }[] };
    }[];
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.Properties;
    expect(rule?.EventPattern).toMatchObject({ source: ['aws.ec2'], detail: { eventName: [...ENDPOINT_EVENT_NAMES] } });
    expect(rule?.Targets).toHaveLength(1);
    expect(renderValue(rule?.Targets[0]?.Arn)).toBe(
      `arn:<AWS::Partition>:events:${REGION}:${CENTRAL}:event-bus/linkdns-central`,
    );
    expect(rule?.Targets[0]?.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [expect.stringMatching(/^LinkdnsSpokeDeliveryDlqQueue/), 'Arn'] },
    });
    expect(rule?.Targets[0]?.RoleArn).toBeDefined();
  });
});

describe('Route 53 event forwarder', () => {
  it('forwards zone edits of the managed zones from us-east-1 to the default bus of the linkdns region', () => {
    // Prepare
    const synth = synthesize((app) => {
      const stack = new Stack(app, 'Forwarder', { env: { account: CENTRAL, region: 'us-east-1' } });
      new Route53EventForwarder(stack, 'Forwarder', { targetRegion: REGION, managedZoneIds: ['Z0ABCDEF'] });
      return [stack];
    });
    try {
      // Act
      const template = synth.template(synth.stacks[0] as Stack);
      const rules = Object.values(template.findResources('AWS::Events::Rule')) as {
        Properties: {
          EventPattern: { detail: Record<string, unknown> };
          Targets: { Arn: unknown; DeadLetterConfig?: unknown }[];
        };
      }[];
      // Assess
      expect(rules).toHaveLength(1);
      const rule = rules[0]?.Properties;
      expect(rule?.EventPattern).toMatchObject({
        source: ['aws.route53'],
        detail: { eventName: [...ZONE_EVENT_NAMES] },
      });
      expect(rule?.EventPattern.detail.$or).toBeDefined();
      expect(renderValue(rule?.Targets[0]?.Arn)).toBe(
        `arn:<AWS::Partition>:events:${REGION}:<AWS::AccountId>:event-bus/default`,
      );
      expect(rule?.Targets[0]?.DeadLetterConfig).toBeDefined();
      expect(synth.violations).toEqual([]);
    } finally {
      synth.dispose();
    }
  });

  it.each([
    ['outside us-east-1', 'eu-west-1', REGION, /must be deployed in us-east-1/],
    ['towards us-east-1 itself (a loop)', 'us-east-1', 'us-east-1', /receives Route 53 events directly/],
  ])('refuses to be deployed %s', (_scenario, stackRegion, targetRegion, message) => {
    const stack = new Stack(undefined, 'Forwarder', { env: { account: CENTRAL, region: stackRegion } });
    expect(() => new Route53EventForwarder(stack, 'Forwarder', { targetRegion })).toThrow(message);
  });
});
