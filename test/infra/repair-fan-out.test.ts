import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors.ts';
import { PrivateLinkDns, type PrivateLinkDnsProps } from '../../infra/lib/private-link-dns.ts';
import { ROUTE53_ACCOUNT_REQUESTS_PER_SECOND } from '../../infra/lib/route53-budget.ts';
import { type Synthesized, synthesize } from './synth-support.ts';

const ENV = { account: '123456789012', region: 'us-east-2' };
const CONFIG = {
  owner: 'platform-prod',
  mappings: [{ service: 'com.amazonaws.vpce.us-east-2.vpce-svc-0123456789abcdef0', domain: 'x.example.cloud' }],
};

function deploy(props: Partial<PrivateLinkDnsProps> = {}): Template {
  const synth: Synthesized = synthesize((app) => {
    const stack = new Stack(app, 'Test', { env: ENV });
    new PrivateLinkDns(stack, 'Linkdns', { config: CONFIG, managedZoneIds: ['Z0123456789ABCDEFGHIJ'], ...props });
    return [stack];
  });
  try {
    return synth.template(synth.stacks[0] as Stack);
  } finally {
    synth.dispose();
  }
}

/** Every linkdns function: reserved concurrency and the LINKDNS_ROUTE53_RATE each instance runs with. */
function functionBudgets(template: Template): { reserved: number; rate: number }[] {
  return Object.values(template.findResources('AWS::Lambda::Function')).map((resource) => {
    const properties = (resource as { Properties: Record<string, unknown> }).Properties;
    const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
    return { reserved: Number(properties.ReservedConcurrentExecutions), rate: Number(variables.LINKDNS_ROUTE53_RATE) };
  });
}

describe('PrivateLinkDns repair fan-out and Route 53 budget (issue #14)', () => {
  let template: Template;
  beforeAll(() => {
    template = deploy();
  }, 120_000);

  it('runs the coordinator on the schedule and the worker on the sweep queue, with partial batch failures', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: Match.anyValue(),
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LinkdnsScheduledRepairFunction'), 'Arn'] } }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionName: { Ref: Match.stringLikeRegexp('^LinkdnsRepairWorkerFunction') },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LINKDNS_SWEEP_QUEUE_URL: Match.anyValue() }) },
      ReservedConcurrentExecutions: 1,
    });
  });

  it('retries a failing batch three times, then keeps it in a dead-letter queue with an alarm', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() },
      VisibilityTimeout: 1800,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('repair batches that kept failing'),
    });
  });

  it('keeps all functions together within half the account’s Route 53 rate by construction', () => {
    const budgets = functionBudgets(template);
    const total = budgets.reduce((sum, fn) => sum + fn.reserved * fn.rate, 0);
    // Endpoint events, zone events, the coordinator (1 each) and the workers (2): 5 instances at 1 request/s.
    expect(budgets).toHaveLength(4);
    expect(budgets.reduce((sum, fn) => sum + fn.reserved, 0)).toBe(5);
    expect(budgets.every((fn) => Number.isInteger(fn.reserved) && fn.reserved >= 1 && fn.rate > 0)).toBe(true);
    expect(total).toBeLessThanOrEqual(ROUTE53_ACCOUNT_REQUESTS_PER_SECOND * 0.5);
    expect(total).toBeGreaterThan(ROUTE53_ACCOUNT_REQUESTS_PER_SECOND * 0.45);
  });

  it('splits a larger share over more workers, and refuses a rate that would break the share', () => {
    const wide = functionBudgets(deploy({ repairWorkers: 6, route53Share: 0.8 }));
    expect(wide.reduce((sum, fn) => sum + fn.reserved * fn.rate, 0)).toBeLessThanOrEqual(8);
    expect(Math.max(...wide.map((fn) => fn.reserved))).toBe(6);
    expect(() => deploy({ route53RequestsPerSecond: 5 })).toThrow(ConfigError);
  }, 120_000);
});
