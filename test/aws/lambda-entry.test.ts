import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunReport } from '../../functions/core/report.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/index.ts';
import { type AwsHarness, cloudTrailEvent, DOMAIN, REGION, startAwsHarness } from '../support/aws-harness.ts';

/**
 * The deployed entry points as Lambda calls them: middy + Powertools around the handler, configuration read once
 * from the environment on the first invocation.
 */
function lambdaContext(): Context {
  return {
    functionName: 'linkdns-endpoint-events',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-2:111122223333:function:linkdns-endpoint-events',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/linkdns-endpoint-events',
    logStreamName: '2026/11/26/[$LATEST]abc',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

describe('Lambda entry points', () => {
  let h: AwsHarness;

  beforeEach(async () => {
    h = await startAwsHarness();
    vi.resetModules();
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await h.close();
  });

  function stubEnvironment(config: unknown): void {
    vi.stubEnv('AWS_REGION', REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('LINKDNS_AWS_ENDPOINT', h.aws.endpoint);
    vi.stubEnv('LINKDNS_ROUTE53_RATE', '50');
    vi.stubEnv('LINKDNS_CONFIG', JSON.stringify(config));
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'linkdns');
  }

  it('endpoint-events: reads its configuration from the environment and reconciles', async () => {
    // Prepare
    stubEnvironment({ owner: 'platform-test', mappings: [{ service: h.service, domain: DOMAIN }] });
    const id = await h.createEndpoint(h.subnetIds);
    const { handler } = await import('../../functions/aws/handlers/endpoint-events.ts');

    // Act
    const report = (await handler(cloudTrailEvent('create-vpc-endpoint.json', id), lambdaContext())) as RunReport;

    // Assess
    expect(report.zones).toMatchObject([{ domain: DOMAIN, outcome: 'changed' }]);
    expect(h.zoneLines()).toHaveLength(4);
  });

  it('scheduled-repair: repairs through the middy entry point', async () => {
    stubEnvironment({ owner: 'platform-test', mappings: [{ service: h.service, domain: DOMAIN }] });
    await h.createEndpoint(h.subnetIds);
    const { handler } = await import('../../functions/aws/handlers/scheduled-repair.ts');

    const report = (await handler(cloudTrailEvent('scheduled-repair.json', 'unused'), lambdaContext())) as RunReport;

    expect(report.trigger.kind).toBe('schedule');
    expect(h.zoneLines()).toHaveLength(4);
  });

  it('fails the invocation with every configuration problem listed, and writes nothing', async () => {
    stubEnvironment({ owner: 'Not Valid', policy: 'sometimes' });
    vi.stubEnv('LINKDNS_ROUTE53_RATE', 'fast');
    const { handler } = await import('../../functions/aws/handlers/endpoint-events.ts');

    const invocation = handler(cloudTrailEvent('create-vpc-endpoint.json', 'vpce-0123456789abcdef0'), lambdaContext());

    await expect(invocation).rejects.toThrow(/LINKDNS_ROUTE53_RATE/);
    vi.stubEnv('LINKDNS_ROUTE53_RATE', '50');
    await expect(
      handler(cloudTrailEvent('create-vpc-endpoint.json', 'vpce-0123456789abcdef0'), lambdaContext()),
    ).rejects.toThrow(/owner[\s\S]*policy/);
    expect(h.aws.requests.count()).toBe(0);
  });
});
