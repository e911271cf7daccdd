import { Duration, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.ts';
import { ConfigError } from '../../functions/core/errors.ts';
import { ENDPOINT_EVENT_NAMES, ZONE_EVENT_NAMES } from '../../infra/lib/event-patterns.ts';
import { type LinkdnsConfigInput, PrivateLinkDns, type PrivateLinkDnsProps } from '../../infra/lib/private-link-dns.ts';
import { actionsOf, renderValue, resourcesOf, roleStatements, type Synthesized, synthesize } from './synth-support.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const ENV = { account: '123456789012', region: 'us-east-2' };

const CONFIG: LinkdnsConfigInput = {
  owner: 'platform-prod',
  mappings: [{ service: 'com.amazonaws.vpce.us-east-2.vpce-svc-0123456789abcdef0', domain: DOMAIN }],
  notifications: [
    {
      name: 'ops',
      type: 'webhook',
      url: { ssmParameter: '/linkdns/webhook-url' },
      signingSecret: { secretsManager: 'linkdns/webhook-signing' },
    },
  ],
};

const FUNCTIONS = ['EndpointEvents', 'ZoneEvents', 'ScheduledRepair', 'RepairWorker'] as const;
const ROLE_PREFIX = (fn: string) => `Linkdns${fn}Role`;

/** Statements that may use `Resource: "*"`: the actions without resource-level permissions. */
const STAR_SIDS = new Set([
  'ReadVpcEndpoints',
  'FindPrivateZones',
  'CreatePrivateZones',
  'FindProfileAssociations',
  'FindProfileZones',
]);

function deploy(props: Partial<PrivateLinkDnsProps> = {}, extra?: (stack: Stack) => void): Synthesized {
  return synthesize((app) => {
    const stack = new Stack(app, 'Test', { env: ENV });
    extra?.(stack);
    new PrivateLinkDns(stack, 'Linkdns', { config: CONFIG, ...props });
    return [stack];
  });
}

function sidsOf(template: Template, fn: string): string[] {
  return roleStatements(template, ROLE_PREFIX(fn))
    .map((statement) => statement.Sid ?? `(${actionsOf(statement).join(',')})`)
    .sort();
}

function statement(template: Template, fn: string, sid: string) {
  const found = roleStatements(template, ROLE_PREFIX(fn)).find((candidate) => candidate.Sid === sid);
  if (!found) throw new Error(`${fn} has no statement ${sid}`);
  return found;
}

describe('PrivateLinkDns with managed zone IDs (single account)', () => {
  let synth: Synthesized;
  let template: Template;

  beforeAll(() => {
    const topic = { current: undefined as Topic | undefined };
    synth = synthesize((app) => {
      const stack = new Stack(app, 'Test', { env: ENV });
      topic.current = new Topic(stack, 'Alarms', {
        enforceSSL: true,
        masterKey: new Key(stack, 'AlarmKey', { enableKeyRotation: true }),
      });
      new PrivateLinkDns(stack, 'Linkdns', { config: CONFIG, managedZoneIds: [ZONE_ID], alarmTopic: topic.current });
      return [stack];
    });
    template = synth.template(synth.stacks[0] as Stack);
  });
  afterAll(() => synth.dispose());

  it('passes the AwsSolutions checks with no unacknowledged finding', () => {
    expect(synth.violations).toEqual([]);
  });

  it('routes EC2 VPC endpoint CloudTrail events to the endpoint function, failed calls excluded', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ec2'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ec2.amazonaws.com'],
          eventName: [...ENDPOINT_EVENT_NAMES],
          errorCode: [{ exists: false }],
        },
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LinkdnsEndpointEventsFunction'), 'Arn'] } }),
      ],
    });
  });

  it('routes Route 53 CloudTrail events of the managed zones only to the zone function', () => {
    const zoneIdMatchers = [ZONE_ID, { suffix: `/hostedzone/${ZONE_ID}` }];
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.route53'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['route53.amazonaws.com'],
          eventName: [...ZONE_EVENT_NAMES],
          errorCode: [{ exists: false }],
          $or: [{ requestParameters: { hostedZoneId: zoneIdMatchers } }, { requestParameters: { id: zoneIdMatchers } }],
        },
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LinkdnsZoneEventsFunction'), 'Arn'] } }),
      ],
    });
  });

  it('runs the drift repair every 30 minutes by default', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(30 minutes)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LinkdnsScheduledRepairFunction'), 'Arn'] } }),
      ],
    });
  });

  it('gives every rule target a dead-letter queue and a bounded retry policy', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as {
      Properties: { Targets: { DeadLetterConfig?: { Arn: unknown }; RetryPolicy?: unknown }[] };
    }[];
    const targets = rules.flatMap((rule) => rule.Properties.Targets);
    expect(targets).toHaveLength(3);
    for (const target of targets) {
      expect(target.DeadLetterConfig?.Arn).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^LinkdnsEventDeliveryDlqQueue/), 'Arn'],
      });
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 });
    }
  });

  it('sends invocations that fail after two async retries to the failed-invocations queue', () => {
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 4);
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')) as {
      Properties: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number; DestinationConfig: unknown };
    }[];
    for (const config of configs) {
      expect(config.Properties).toMatchObject({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [expect.stringMatching(/^LinkdnsFailedInvocationsDlqQueue/), 'Arn'] },
          },
        },
      });
    }
  });

  it('encrypts every queue (two dead-letter queues, the sweep queue and its DLQ) and refuses requests without TLS', () => {
    template.resourceCountIs('AWS::SQS::Queue', 4);
    template.allResourcesProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as {
      Properties: { PolicyDocument: { Statement: { Effect: string; Condition?: unknown }[] } };
    }[];
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('alarms on queue depth, function errors and failed zones, all notifying the alarm topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: Record<string, unknown> & { AlarmActions?: unknown[] };
    }[];
    expect(alarms).toHaveLength(8);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
      expect(alarm.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
    const metrics = alarms.map((alarm) => `${alarm.Properties.Namespace}/${alarm.Properties.MetricName}`).sort();
    expect(metrics).toEqual([
      'AWS/Lambda/Errors',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Errors',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'linkdns/ZonesFailed',
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'linkdns',
      MetricName: 'ZonesFailed',
      Dimensions: [{ Name: 'service', Value: 'linkdns' }],
      Statistic: 'Sum',
    });
  });

  it('runs each handler on Node 22, arm64, with source maps and its own log group', () => {
    template.resourceCountIs('AWS::Lambda::Function', 4);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'linkdns',
          POWERTOOLS_METRICS_NAMESPACE: 'linkdns',
          // Half the account's 10 requests/s over 5 instances (reserved concurrency 1, 1, 1 and 2 workers).
          LINKDNS_ROUTE53_RATE: '1',
          LINKDNS_CONFIG_PARAMETER: { Ref: Match.stringLikeRegexp('^LinkdnsConfig') },
          LINKDNS_MANAGED_ZONE_IDS: ZONE_ID,
        }),
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('Logs') } },
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 4);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 600,
      Environment: { Variables: Match.objectLike({ LINKDNS_REPAIR_MODE: 'repair' }) },
    });
  });

  it('tells the zone function the roles of all four functions, to skip its own writes', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as [
      string,
      { Properties: { Environment: { Variables: Record<string, unknown> } } },
    ][];
    const zoneFunction = functions.find(([id]) => id.startsWith('LinkdnsZoneEventsFunction'));
    const writers = renderValue(zoneFunction?.[1].Properties.Environment.Variables.LINKDNS_WRITER_ROLE_ARNS);
    expect(writers.split(',')).toEqual(
      FUNCTIONS.map((fn) => expect.stringMatching(new RegExp(`^<${ROLE_PREFIX(fn)}\\w+\\.Arn>$`))),
    );
  });

  it('stores the configuration as validated JSON in an SSM String parameter', () => {
    const parameters = Object.values(template.findResources('AWS::SSM::Parameter')) as {
      Properties: { Type: string; Value: string };
    }[];
    expect(parameters).toHaveLength(1);
    const [parameter] = parameters;
    expect(parameter?.Properties.Type).toBe('String');
    const stored = parseConfig(parameter?.Properties.Value);
    expect(stored.owner).toBe('platform-prod');
    expect(stored.zones).toEqual({ create: false, extraNetworks: [], sources: {} });
  });

  it.each(FUNCTIONS)('grants %s exactly the statements it needs, none of them for zone creation', (fn) => {
    const common = [
      '(logs:CreateLogStream,logs:PutLogEvents)',
      '(sqs:SendMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl)',
      'FindPrivateZones',
      'FindProfileAssociations',
      'FindProfileZones',
      'ReadConfiguration',
      'ReadFunctionSecrets',
      'ReadManagedZones',
      'ReadSecretParameters',
      'ReadVpcEndpoints',
    ];
    // The coordinator only lists and queues (its second SQS statement: the sweep queue); the worker takes batches and
    // may send back, to the sweep queue, the zones it did not start within its share of the timeout.
    const own: Record<(typeof FUNCTIONS)[number], string[]> = {
      EndpointEvents: ['WriteManagedRecords'],
      ZoneEvents: ['WriteManagedRecords'],
      ScheduledRepair: ['(sqs:SendMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl)'],
      RepairWorker: [
        'WriteManagedRecords',
        '(sqs:ReceiveMessage,sqs:ChangeMessageVisibility,sqs:GetQueueUrl,sqs:DeleteMessage,sqs:GetQueueAttributes)',
        '(sqs:SendMessage)',
      ],
    };
    expect(sidsOf(template, fn)).toEqual([...common, ...own[fn]].sort());
  });

  it.each(FUNCTIONS)(
    'keeps every statement of %s scoped: "*" only where AWS has no resource-level permission',
    (fn) => {
      const statements = roleStatements(template, ROLE_PREFIX(fn));
      const unscoped = statements.filter(
        (candidate) =>
          resourcesOf(candidate).some((resource) => resource.includes('*')) && !STAR_SIDS.has(candidate.Sid ?? ''),
      );
      expect(unscoped.map((candidate) => `${candidate.Sid}: ${resourcesOf(candidate).join(' ')}`)).toEqual([]);
      expect(actionsOf(statement(template, fn, 'ReadVpcEndpoints')).sort()).toEqual([
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcEndpoints',
      ]);
      expect(actionsOf(statement(template, fn, 'FindPrivateZones')).sort()).toEqual([
        'ec2:DescribeVpcs',
        'route53:ListHostedZones',
        'route53:ListHostedZonesByVPC',
      ]);
      // Route 53 Profiles: two list calls, nothing that associates or changes; the zones list only on Profiles.
      expect(actionsOf(statement(template, fn, 'FindProfileAssociations'))).toEqual([
        'route53profiles:ListProfileAssociations',
      ]);
      expect(actionsOf(statement(template, fn, 'FindProfileZones'))).toEqual([
        'route53profiles:ListProfileResourceAssociations',
      ]);
      expect(resourcesOf(statement(template, fn, 'FindProfileZones'))).toEqual([
        'arn:<AWS::Partition>:route53profiles:us-east-2:*:profile/*',
      ]);
      expect(statements.every((candidate) => candidate.Effect === 'Allow')).toBe(true);
    },
  );

  it('lets the functions read and write only the managed zone, only the names and types linkdns produces', () => {
    const zoneArn = `arn:<AWS::Partition>:route53:::hostedzone/${ZONE_ID}`;
    expect(resourcesOf(statement(template, 'EndpointEvents', 'ReadManagedZones'))).toEqual([zoneArn]);
    const write = statement(template, 'EndpointEvents', 'WriteManagedRecords');
    expect(actionsOf(write)).toEqual(['route53:ChangeResourceRecordSets']);
    expect(resourcesOf(write)).toEqual([zoneArn]);
    expect(write.Condition).toEqual({
      'ForAllValues:StringLike': {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
          `\\052.*.${DOMAIN}`,
          `\\052.${DOMAIN}`,
          `_linkdns.${DOMAIN}`,
        ],
      },
      // Only the actions linkdns sends: a compare-and-swap batch is DELETE + CREATE, UPSERT never.
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsRecordTypes': ['A', 'CNAME', 'TXT'],
        'route53:ChangeResourceRecordSetsActions': ['CREATE', 'DELETE'],
      },
    });
  });

  it('lets the functions read the configuration and exactly the notification secrets it names', () => {
    expect(resourcesOf(statement(template, 'ZoneEvents', 'ReadConfiguration'))).toEqual([
      'arn:<AWS::Partition>:ssm:us-east-2:123456789012:parameter/<LinkdnsConfigDB0B613B>',
    ]);
    expect(resourcesOf(statement(template, 'ZoneEvents', 'ReadSecretParameters'))).toEqual([
      'arn:<AWS::Partition>:ssm:us-east-2:123456789012:parameter/linkdns/webhook-url',
    ]);
    const secrets = statement(template, 'ZoneEvents', 'ReadFunctionSecrets');
    expect(actionsOf(secrets)).toEqual(['secretsmanager:GetSecretValue']);
    expect(resourcesOf(secrets)).toEqual([
      'arn:<AWS::Partition>:secretsmanager:us-east-2:123456789012:secret:linkdns/webhook-signing-??????',
    ]);
  });

  it('lets the functions read the Confluent Cloud API key and secret that discovery names, and nothing more', () => {
    // Prepare
    const synth = deploy({
      managedZoneIds: [ZONE_ID],
      config: {
        ...CONFIG,
        confluent: {
          environments: ['env-lnk7dns'],
          apiKey: { ssmParameter: '/linkdns/confluent-api-key' },
          apiSecret: { secretsManager: 'linkdns/confluent-api-secret' },
        },
      },
    });
    // Act
    const template = synth.template(synth.stacks[0] as Stack);
    // Assess
    for (const fn of FUNCTIONS) {
      expect(resourcesOf(statement(template, fn, 'ReadSecretParameters'))).toEqual([
        'arn:<AWS::Partition>:ssm:us-east-2:123456789012:parameter/linkdns/confluent-api-key',
        'arn:<AWS::Partition>:ssm:us-east-2:123456789012:parameter/linkdns/webhook-url',
      ]);
      expect(resourcesOf(statement(template, fn, 'ReadFunctionSecrets'))).toEqual([
        'arn:<AWS::Partition>:secretsmanager:us-east-2:123456789012:secret:linkdns/confluent-api-secret-??????',
        'arn:<AWS::Partition>:secretsmanager:us-east-2:123456789012:secret:linkdns/webhook-signing-??????',
      ]);
    }
  });

  it('attaches no managed policy to any role', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as { Properties: Record<string, unknown> }[];
    expect(roles).toHaveLength(4);
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('PrivateLinkDns variants', () => {
  it('withholds write permissions from a detect-only repair and passes the mode on', () => {
    // Prepare
    const synth = deploy({ repairMode: 'detect-only', managedZoneIds: [ZONE_ID] });
    try {
      // Act
      const template = synth.template(synth.stacks[0] as Stack);
      // Assess
      expect(sidsOf(template, 'ScheduledRepair')).not.toContain('WriteManagedRecords');
      expect(sidsOf(template, 'EndpointEvents')).toContain('WriteManagedRecords');
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ LINKDNS_REPAIR_MODE: 'detect-only' }) },
      });
      expect(synth.violations).toEqual([]);
    } finally {
      synth.dispose();
    }
  });

  it('without the Route 53 Profiles API, grants no route53profiles action and passes the configured Profile zones', () => {
    // Prepare
    const synth = deploy({
      managedZoneIds: [ZONE_ID],
      route53ProfilesApi: false,
      profileZoneIds: { 'vpc-0spoke': [`/hostedzone/${ZONE_ID}`] },
    });
    try {
      // Act
      const template = synth.template(synth.stacks[0] as Stack);
      // Assess
      for (const fn of FUNCTIONS) {
        expect(sidsOf(template, fn)).not.toContain('FindProfileAssociations');
        expect(sidsOf(template, fn)).not.toContain('FindProfileZones');
      }
      expect(JSON.stringify(template.toJSON())).not.toContain('route53profiles:');
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            LINKDNS_ROUTE53_PROFILES: 'off',
            LINKDNS_PROFILE_ZONE_IDS: `vpc-0spoke=${ZONE_ID}`,
          }),
        },
      });
      expect(synth.violations).toEqual([]);
    } finally {
      synth.dispose();
    }
  });

  it('adds zone creation permissions only when opted in, and records the opt-in in the stored configuration', () => {
    // Prepare
    const synth = deploy({
      createZones: true,
      allowAnyHostedZone: true,
      extraVpcIds: ['vpc-0fedcba9876543210'],
      schedule: Schedule.rate(Duration.hours(1)),
    });
    try {
      // Act
      const template = synth.template(synth.stacks[0] as Stack);
      // Assess
      const create = statement(template, 'EndpointEvents', 'CreatePrivateZones');
      expect(actionsOf(create)).toEqual(['route53:CreateHostedZone']);
      expect(resourcesOf(create)).toEqual(['*']);
      const associate = statement(template, 'EndpointEvents', 'AssociateAndTagCreatedZones');
      expect(actionsOf(associate)).toEqual(['route53:AssociateVPCWithHostedZone', 'route53:ChangeTagsForResource']);
      expect(resourcesOf(associate)).toEqual(['arn:<AWS::Partition>:route53:::hostedzone/*']);
      expect(resourcesOf(statement(template, 'EndpointEvents', 'WriteManagedRecords'))).toEqual([
        'arn:<AWS::Partition>:route53:::hostedzone/*',
      ]);
      const [parameter] = Object.values(template.findResources('AWS::SSM::Parameter')) as {
        Properties: { Value: string };
      }[];
      expect(parseConfig(parameter?.Properties.Value).zones).toEqual({
        create: true,
        extraNetworks: ['vpc-0fedcba9876543210'],
        sources: {},
      });
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
      expect(synth.violations).toEqual([]);
    } finally {
      synth.dispose();
    }
  });

  it('with allowAnyHostedZone and no zone IDs, grants no zone creation and scopes to any zone by names and types', () => {
    // Prepare
    const synth = deploy({ allowAnyHostedZone: true });
    try {
      // Act
      const template = synth.template(synth.stacks[0] as Stack);
      // Assess
      expect(sidsOf(template, 'EndpointEvents')).not.toContain('CreatePrivateZones');
      expect(sidsOf(template, 'EndpointEvents')).not.toContain('AssociateAndTagCreatedZones');
      const write = statement(template, 'EndpointEvents', 'WriteManagedRecords');
      expect(resourcesOf(write)).toEqual(['arn:<AWS::Partition>:route53:::hostedzone/*']);
      expect(write.Condition?.['ForAllValues:StringLike']).toBeDefined();
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: ['aws.route53'], detail: Match.not(Match.objectLike({ $or: Match.anyValue() })) },
      });
      expect(synth.violations).toEqual([]);
    } finally {
      synth.dispose();
    }
  });

  it('creates an encrypted connection-notification topic that VPC endpoints may publish to', () => {
    // Prepare
    const synth = deploy({ endpointConnectionNotifications: true, managedZoneIds: [ZONE_ID] });
    try {
      // Act
      const template = synth.template(synth.stacks[0] as Stack);
      // Assess
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'VpcEndpointServicePublishes',
              Principal: { Service: 'vpce.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LinkdnsEventDeliveryDlq'), 'Arn'] },
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      expect(synth.violations).toEqual([]);
    } finally {
      synth.dispose();
    }
  });

  it('grants kms:Decrypt on customer-managed secret keys only through SSM and Secrets Manager', () => {
    // Prepare
    const withKey = synthesize((app) => {
      const stack = new Stack(app, 'Test', { env: ENV });
      const key = new Key(stack, 'SecretsKey', { enableKeyRotation: true });
      new PrivateLinkDns(stack, 'Linkdns', { config: CONFIG, managedZoneIds: [ZONE_ID], secretKeys: [key] });
      return [stack];
    });
    try {
      // Act
      const decrypt = statement(
        withKey.template(withKey.stacks[0] as Stack),
        'EndpointEvents',
        'DecryptFunctionSecrets',
      );
      // Assess
      expect(actionsOf(decrypt)).toEqual(['kms:Decrypt']);
      expect(resourcesOf(decrypt)).toEqual([expect.stringMatching(/^<SecretsKey.*\.Arn>$/)]);
      expect(decrypt.Condition).toEqual({
        StringEquals: { 'kms:ViaService': ['ssm.us-east-2.amazonaws.com', 'secretsmanager.us-east-2.amazonaws.com'] },
      });
      expect(withKey.violations).toEqual([]);
    } finally {
      withKey.dispose();
    }
  });

  it('reports an unacknowledged wildcard: the nag check in these tests is live', () => {
    // Prepare: a role outside the construct with a wildcard nobody acknowledged
    const synth = deploy({ managedZoneIds: [ZONE_ID] }, (stack) => {
      const role = new Role(stack, 'Intruder', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
      role.addToPolicy(new PolicyStatement({ actions: ['route53:ChangeResourceRecordSets'], resources: ['*'] }));
    });
    try {
      // Act
      const rules = synth.violations.map((violation) => violation.rule);
      // Assess
      expect(rules).toContain('AwsSolutions-IAM5[Resource::*]');
      expect(
        synth.violations.flatMap((violation) => violation.paths).every((path) => path.startsWith('Test/Intruder')),
      ).toBe(true);
    } finally {
      synth.dispose();
    }
  });
});

describe('PrivateLinkDns refuses configurations that cannot work', () => {
  it.each<[string, Partial<PrivateLinkDnsProps>, string[]]>([
    [
      'an invalid configuration, listing every problem',
      { config: { owner: 'Not Valid', mappings: [{ service: 'x', domain: 'nodot' }] } as LinkdnsConfigInput },
      ['owner:', 'mappings.0.domain:'],
    ],
    ['a configuration that manages no domain', { config: { owner: 'team' } }, ['no domain to manage']],
    [
      'a notification secret in an environment variable',
      { config: { ...CONFIG, notifications: [{ name: 'n', type: 'slack', url: { env: 'SLACK_URL' } }] } },
      ['notifications.0.url: an env reference'],
    ],
    [
      'Confluent discovery with the API key left in environment variables (the default)',
      { config: { ...CONFIG, confluent: { environments: ['env-lnk7dns'] } }, managedZoneIds: [ZONE_ID] },
      ['confluent.apiKey: an env reference', 'confluent.apiSecret: an env reference'],
    ],
    [
      'zone IDs together with zone creation',
      { managedZoneIds: [ZONE_ID], createZones: true },
      ['managedZoneIds, createZones: exclude each other'],
    ],
    [
      'no zone IDs without the explicit any-zone opt-in',
      {},
      ['managedZoneIds: required', 'or set allowAnyHostedZone: true'],
    ],
    [
      'zone creation without the explicit any-zone opt-in',
      { createZones: true },
      ['managedZoneIds: required', 'needed with createZones'],
    ],
  ])('%s', (_scenario, props, expected) => {
    // Prepare
    const stack = new Stack(undefined, 'Test', { env: ENV });
    // Act
    let error: unknown;
    try {
      new PrivateLinkDns(stack, 'Linkdns', { config: CONFIG, ...props });
    } catch (caught) {
      error = caught;
    }
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    for (const text of expected) expect((error as ConfigError).problems.join('\n')).toContain(text);
  });

  it('accepts zone IDs as Route 53 prints them', () => {
    // Prepare
    const synth = deploy({ managedZoneIds: [`/hostedzone/${ZONE_ID}`, ZONE_ID] });
    try {
      // Act
      const template = synth.template(synth.stacks[0] as Stack);
      // Assess
      expect(resourcesOf(statement(template, 'ZoneEvents', 'ReadManagedZones'))).toEqual([
        `arn:<AWS::Partition>:route53:::hostedzone/${ZONE_ID}`,
      ]);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ LINKDNS_MANAGED_ZONE_IDS: ZONE_ID }) },
      });
    } finally {
      synth.dispose();
    }
  });

  it('refuses profileZoneIds that are not VPC ids and hosted zone IDs, naming them', () => {
    const stack = new Stack(undefined, 'Test', { env: ENV });
    expect(
      () =>
        new PrivateLinkDns(stack, 'Linkdns', {
          config: CONFIG,
          managedZoneIds: [ZONE_ID],
          profileZoneIds: { 'subnet-0abc': [ZONE_ID] },
        }),
    ).toThrow(/subnet-0abc/);
  });

  it('refuses something that is not a hosted zone ID', () => {
    const stack = new Stack(undefined, 'Test', { env: ENV });
    expect(() => new PrivateLinkDns(stack, 'Linkdns', { config: CONFIG, managedZoneIds: ['example.com'] })).toThrow(
      /"example.com" is not a Route 53 hosted zone ID/,
    );
  });
});
