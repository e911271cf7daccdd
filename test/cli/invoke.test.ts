import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { invokeCommand, routeEvent } from '../../functions/cli/invoke.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import type { RunReport } from '../../functions/core/report.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/index.ts';
import {
  AWS_SCENARIO,
  type AwsScenario,
  awsScenarioConfig,
  awsZoneLines,
  readEventFile,
  seedSampleEndpoint,
  startAwsScenario,
} from '../../local/demo-scenario.ts';
import {
  GCP_SCENARIO,
  type GcpScenario,
  gcpARecords,
  gcpScenarioConfig,
  startGcpScenario,
} from '../../local/gcp/scenario.ts';

const AWS_DOMAIN = AWS_SCENARIO.domain;
const AZURE_DOMAIN = 'p8xo76.centralus.azure.confluent.cloud';
const GCP_DOMAIN = GCP_SCENARIO.domain;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'linkdns-invoke-'));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** `--json` output of a successful local run. */
async function invokeLocalJson(eventFile: string, ...flags: string[]): Promise<RunReport> {
  const result = await invokeCommand([eventFile, '--local', '--json', ...flags]);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as RunReport;
}

const names = (records: readonly { name: string; type: string }[]) =>
  records.map((record) => `${record.type} ${record.name}`).sort();

describe('linkdns invoke --local, AWS samples', () => {
  it('creates the regional and three zonal records for create-vpc-endpoint.json, whose endpoint id is seeded', async () => {
    // Act
    const report = await invokeLocalJson('events/aws/create-vpc-endpoint.json');

    // Assess
    expect(report.trigger).toMatchObject({ kind: 'endpoint-event', id: '0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e' });
    const [zone] = report.zones;
    expect(zone).toMatchObject({ domain: AWS_DOMAIN, outcome: 'changed', endpoints: ['vpce-0f1e2d3c4b5a69788'] });
    expect(names(zone?.changes.create ?? [])).toEqual([
      `CNAME *.${AWS_DOMAIN}`,
      `CNAME *.use2-az1.${AWS_DOMAIN}`,
      `CNAME *.use2-az2.${AWS_DOMAIN}`,
      `CNAME *.use2-az3.${AWS_DOMAIN}`,
      `TXT _linkdns.${AWS_DOMAIN}`,
    ]);
  });

  it('follows modify-vpc-endpoint.json: the removed subnet’s zonal record goes', async () => {
    const report = await invokeLocalJson('events/aws/modify-vpc-endpoint.json');

    // subnet-0cc3333333333333c is in us-east-2c, which is use2-az1 in the scenario's account
    expect(names(report.zones[0]?.changes.delete ?? [])).toEqual([`CNAME *.use2-az1.${AWS_DOMAIN}`]);
    expect(report.zones[0]?.changes.create).toEqual([]);
  });

  it('cleans up after delete-vpc-endpoints.json', async () => {
    const report = await invokeLocalJson('events/aws/delete-vpc-endpoints.json');

    expect(report.zones[0]?.outcome).toBe('changed');
    expect(report.zones[0]?.changes.delete).toHaveLength(5);
    expect(report.zones[0]?.endpoints).toEqual([]);
  });

  it('repairs the hand edit that change-resource-record-sets.json records', async () => {
    const report = await invokeLocalJson('events/aws/change-resource-record-sets.json');

    expect(report.trigger.kind).toBe('zone-event');
    const [update] = report.zones[0]?.changes.update ?? [];
    expect(update?.old).toMatchObject({ name: `*.use2-az1.${AWS_DOMAIN}`, values: ['typo.example.com'] });
    expect(update?.new.values[0]).toMatch(/^vpce-0f1e2d3c4b5a69788-\w+-us-east-2c\.vpce-svc-/);
  });

  it('runs the scheduled repair for scheduled-repair.json', async () => {
    const report = await invokeLocalJson('events/aws/scheduled-repair.json');

    expect(report.trigger).toMatchObject({ kind: 'schedule', id: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f' });
    expect(report.zones[0]?.changes.create).toHaveLength(5);
  });

  it('takes an SNS endpoint connection notification to the endpoint handler', async () => {
    const sns = await file('sns.json', {
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: {
            MessageId: 'sns-1',
            Message: JSON.stringify({ notificationType: 'Connect', vpcEndpointId: 'vpce-0f1e2d3c4b5a69788' }),
          },
        },
      ],
    });

    const report = await invokeLocalJson(sns);

    expect(report.trigger).toMatchObject({ kind: 'endpoint-event', id: 'sns-1' });
    expect(report.zones[0]?.outcome).toBe('changed');
  });

  it('prints a readable report, the zone afterwards, and what the local AWS did on stderr', async () => {
    const result = await invokeCommand(['events/aws/create-vpc-endpoint.json', '--local']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^AWS Lambda handleEndpointEvent on the local AWS \(http:\/\/127\.0\.0\.1:\d+\)\n/);
    expect(result.stdout).toContain(`zone ${AWS_DOMAIN} (`);
    expect(result.stdout).toContain('applied (5 create)');
    expect(result.stdout).toContain(`Zone ${AWS_DOMAIN} after the run`);
    expect(result.stdout).toMatch(new RegExp(`\\*\\.use2-az2\\.${AWS_DOMAIN.replaceAll('.', '\\.')} +CNAME +60 `));
    expect(result.stderr).toContain('local AWS: seeded endpoint vpce-0f1e2d3c4b5a69788 (3 AZs)');
    expect(result.stderr).toMatch(/the handler made 7 API calls \(.*ChangeResourceRecordSets 1\)/);
  });

  it('shows the plan and writes nothing with --dry-run', async () => {
    const result = await invokeCommand(['events/aws/change-resource-record-sets.json', '--local', '--dry-run']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('— dry run, nothing written');
    expect(result.stdout).toContain('1 to update');
    expect(result.stdout).toContain('1 with changes pending');
    expect(result.stdout).not.toContain('after the run');
    expect(result.stderr).not.toContain('ChangeResourceRecordSets');
  });
});

describe('linkdns invoke --local, Azure samples', () => {
  it.each([
    ['private-endpoint-write.json (Event Grid schema)', 'events/azure/private-endpoint-write.json'],
    ['private-endpoint-write.cloudevent.json (CloudEvents)', 'events/azure/private-endpoint-write.cloudevent.json'],
  ])('writes * and *.az1..3 for %s', async (_name, eventFile) => {
    const report = await invokeLocalJson(eventFile);

    const creates = report.zones[0]?.changes.create ?? [];
    expect(report.zones[0]).toMatchObject({ domain: AZURE_DOMAIN, outcome: 'changed' });
    expect(Object.fromEntries(creates.filter((r) => r.type === 'A').map((r) => [r.name, r.values]))).toEqual({
      [`*.${AZURE_DOMAIN}`]: ['10.20.1.4', '10.20.1.5', '10.20.1.6'],
      [`*.az1.${AZURE_DOMAIN}`]: ['10.20.1.4'],
      [`*.az2.${AZURE_DOMAIN}`]: ['10.20.1.5'],
      [`*.az3.${AZURE_DOMAIN}`]: ['10.20.1.6'],
    });
  });

  it('removes the deleted endpoint’s IP for private-endpoint-delete.json', async () => {
    const report = await invokeLocalJson('events/azure/private-endpoint-delete.json');

    expect(names(report.zones[0]?.changes.delete ?? [])).toEqual([`A *.az2.${AZURE_DOMAIN}`]);
    const star = report.zones[0]?.changes.update.find((update) => update.new.name === `*.${AZURE_DOMAIN}`);
    expect(star?.new.values).toEqual(['10.20.1.4', '10.20.1.6']);
  });

  it('repairs a record set someone else changed, and one someone else deleted', async () => {
    const written = await invokeLocalJson('events/azure/record-set-write-by-someone-else.json');
    const deleted = await invokeLocalJson('events/azure/record-set-delete-by-someone-else.json');

    expect(written.zones[0]?.changes.update).toMatchObject([
      { old: { name: `*.az1.${AZURE_DOMAIN}`, values: ['192.0.2.10'] }, new: { values: ['10.20.1.4'] } },
    ]);
    expect(deleted.zones[0]?.changes.create).toMatchObject([{ name: `*.az3.${AZURE_DOMAIN}`, values: ['10.20.1.6'] }]);
  });

  it('plans a zone it would create with --dry-run, and creates nothing', async () => {
    const result = await invokeCommand(['events/azure/private-endpoint-write.json', '--local', '--dry-run', '--json']);

    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report).toMatchObject({ dryRun: true, zones: [{ zoneId: 'to be created', outcome: 'drift' }] });
    expect(report.zones[0]?.changes.create).toHaveLength(5);
    expect(result.stderr).toMatch(/the functions made \d+ API calls/);
    expect(result.stderr).not.toContain('createOrUpdate');
  });

  it('ignores linkdns’s own record-set write, with exit 0', async () => {
    const result = await invokeCommand(['events/azure/record-set-write-by-linkdns.json', '--local', '--json']);

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      format_version: 1,
      ignored: `record set A * in ${AZURE_DOMAIN} was written by linkdns`,
    });
  });

  it('runs a batch (an Event Grid array) one invocation per event, in order', async () => {
    const batch = await file('batch.json', [
      readEventFile('azure/private-endpoint-write.json'),
      readEventFile('azure/record-set-delete-by-someone-else.json'),
    ]);

    const result = await invokeCommand([batch, '--local', '--json']);

    expect(result.exitCode).toBe(0);
    const { format_version, invocations: reports } = JSON.parse(result.stdout) as {
      format_version: number;
      invocations: RunReport[];
    };
    expect(format_version).toBe(1);
    expect(reports.map((report) => report.trigger.kind)).toEqual(['endpoint-event', 'zone-event']);
    // The endpoint event already recreated *.az3, so the zone event finds nothing left to do.
    expect(reports.map((report) => report.zones[0]?.outcome)).toEqual(['changed', 'unchanged']);
  });
});

describe('linkdns invoke --local, Google samples', () => {
  const zonal = (zone: string) => `*.${zone}.${GCP_DOMAIN}`;

  it('writes * with the three PSC IPs and *.us-central1-a..c for forwarding-rule-insert.json', async () => {
    const report = await invokeLocalJson('events/gcp/forwarding-rule-insert.json');

    expect(report.trigger).toMatchObject({ kind: 'endpoint-event', id: expect.stringContaining('1x9k2qe4c8n0') });
    const creates = report.zones[0]?.changes.create ?? [];
    expect(report.zones[0]).toMatchObject({ domain: GCP_DOMAIN, zoneId: GCP_SCENARIO.privateZone, outcome: 'changed' });
    expect(Object.fromEntries(creates.filter((r) => r.type === 'A').map((r) => [r.name, r.values]))).toEqual({
      [`*.${GCP_DOMAIN}`]: ['10.2.0.11', '10.2.0.12', '10.2.0.13'],
      [zonal('us-central1-a')]: ['10.2.0.11'],
      [zonal('us-central1-b')]: ['10.2.0.12'],
      [zonal('us-central1-c')]: ['10.2.0.13'],
    });
  });

  it('removes the deleted rule’s IP and zonal record for forwarding-rule-delete.json', async () => {
    const report = await invokeLocalJson('events/gcp/forwarding-rule-delete.json');

    expect(names(report.zones[0]?.changes.delete ?? [])).toEqual([`A ${zonal('us-central1-b')}`]);
    const star = report.zones[0]?.changes.update.find((update) => update.new.name === `*.${GCP_DOMAIN}`);
    expect(star?.new.values).toEqual(['10.2.0.11', '10.2.0.13']);
  });

  it('repairs the hand edit that dns-change-by-person.json records, replayed through Cloud DNS', async () => {
    const result = await invokeCommand(['events/gcp/dns-change-by-person.json', '--local', '--json']);

    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report.trigger.kind).toBe('zone-event');
    expect(report.zones[0]?.changes.update).toMatchObject([
      {
        old: { name: `*.${GCP_DOMAIN}`, ttl: 300, values: ['10.2.0.99'] },
        new: { ttl: 60, values: ['10.2.0.11', '10.2.0.12', '10.2.0.13'] },
      },
    ]);
    expect(result.stderr).toContain(`local Google Cloud: someone else: add *.${GCP_DOMAIN}. A 10.2.0.99`);
  });

  it('ignores linkdns’s own zone change (dns-change-by-linkdns.json), with exit 0', async () => {
    const result = await invokeCommand(['events/gcp/dns-change-by-linkdns.json', '--local', '--json']);

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      format_version: 1,
      ignored: `change to zone ${GCP_SCENARIO.privateZone} was made by linkdns (${GCP_SCENARIO.serviceAccount})`,
    });
  });

  it('runs the scheduled repair for scheduled-repair.json on an empty zone', async () => {
    const report = await invokeLocalJson('events/gcp/scheduled-repair.json');

    expect(report.trigger).toMatchObject({ kind: 'schedule', id: '12817743291508126' });
    expect(report.zones[0]?.changes.create).toHaveLength(5);
  });

  it('prints a readable report, the zone afterwards, and what the local Google Cloud did on stderr', async () => {
    const result = await invokeCommand(['events/gcp/forwarding-rule-insert.json', '--local']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^Google Cloud Function forwardingRuleEvents on the local Google Cloud \(http:\/\/127\.0\.0\.1:\d+\)\n/,
    );
    expect(result.stdout).toContain('applied (5 create)');
    expect(result.stdout).toContain(`Zone ${GCP_DOMAIN} after the run`);
    expect(result.stdout).toMatch(
      new RegExp(`\\*\\.us-central1-c\\.${GCP_DOMAIN.replaceAll('.', '\\.')} +A +60 +10\\.2\\.0\\.13`),
    );
    expect(result.stderr).toContain('local Google Cloud: seeded the PSC forwarding rules');
    expect(result.stderr).toMatch(/the function made \d+ API calls \(.*changes\.create 1/);
  });

  it('shows the plan and writes nothing with --dry-run', async () => {
    const result = await invokeCommand(['events/gcp/forwarding-rule-delete.json', '--local', '--dry-run']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('— dry run, nothing written');
    expect(result.stdout).toContain('1 to delete');
    expect(result.stderr).not.toContain('changes.create');
  });
});

describe('linkdns invoke, malformed and unknown events', () => {
  it('rejects a CloudTrail-looking event the handler cannot use: exit 1, the reason on stderr, nothing on stdout', async () => {
    const event = await file('broken.json', { source: 'aws.ec2', 'detail-type': 'AWS API Call via CloudTrail' });

    const result = await invokeCommand([event, '--local']);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('linkdns invoke: event rejected: Not a VPC endpoint CloudTrail event');
    expect(result.stderr).toContain('detail: Invalid input: expected object');
  });

  it('rejects an Event Grid event without data the same way', async () => {
    const event = await file('broken.json', { id: 'x', subject: '/subscriptions/x', eventType: 'Whatever' });

    const result = await invokeCommand([event, '--local', '--json']);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('event rejected: InvalidInputError: Malformed Event Grid event: data:');
  });

  it.each([
    [
      'an object of no known shape',
      { hello: 'world' },
      /is not an event linkdns handles: expected an EventBridge event/,
    ],
    ['an array holding something else', [{ hello: 'world' }], /\[0\] is not an Event Grid event or CloudEvent/],
    ['an empty array', [], /an empty array holds no event/],
    ['text that is not JSON', 'not json', /not valid JSON/],
  ])(
    'refuses %s with an InvalidInputError naming the file, before starting anything',
    async (_name, content, message) => {
      const event = await file('event.json', content);

      const invocation = invokeCommand([event, '--local']);

      await expect(invocation).rejects.toThrow(InvalidInputError);
      await expect(invocation).rejects.toThrow(message);
      await expect(invocation).rejects.toThrow(event);
    },
  );

  it('needs exactly one event file, and --config outside --local', async () => {
    await expect(invokeCommand([])).rejects.toThrow(/give exactly one event file/);
    await expect(invokeCommand(['a.json', 'b.json'])).rejects.toThrow(/give exactly one event file/);
    await expect(invokeCommand(['events/aws/create-vpc-endpoint.json'])).rejects.toThrow(/--config is required/);
  });

  it('routes each sample in events/ to the function that takes it', () => {
    const route = (path: string) => {
      const routed = routeEvent(readEventFile(path));
      return routed.cloud === 'azure' ? routed.invocations.map((item) => item.handler).join() : routed.handler;
    };

    expect(route('aws/create-vpc-endpoint.json')).toBe('endpoint-events');
    expect(route('aws/delete-vpc-endpoints.json')).toBe('endpoint-events');
    expect(route('aws/change-resource-record-sets.json')).toBe('zone-events');
    expect(route('aws/scheduled-repair.json')).toBe('scheduled-repair');
    expect(route('azure/private-endpoint-write.cloudevent.json')).toBe('privateEndpointEvents');
    expect(route('azure/private-endpoint-delete.json')).toBe('privateEndpointEvents');
    expect(route('azure/record-set-delete-by-someone-else.json')).toBe('privateDnsRecordEvents');
    expect(route('gcp/forwarding-rule-insert.json')).toBe('forwardingRuleEvents');
    expect(route('gcp/forwarding-rule-delete.json')).toBe('forwardingRuleEvents');
    expect(route('gcp/dns-change-by-person.json')).toBe('cloudDnsRecordEvents');
    expect(route('gcp/dns-change-by-linkdns.json')).toBe('cloudDnsRecordEvents');
    expect(route('gcp/scheduled-repair.json')).toBe('scheduledRepair');
  });

  it('rejects a malformed Google audit-log event: exit 1, the reason on stderr, nothing on stdout', async () => {
    const event = await file('broken.json', {
      specversion: '1.0',
      id: 'broken-1',
      source: '//cloudaudit.googleapis.com/projects/acme-prod/logs/activity',
      type: 'google.cloud.audit.log.v1.written',
      data: { protoPayload: { methodName: 'v1.compute.forwardingRules.insert' } },
    });

    const result = await invokeCommand([event, '--local']);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'event rejected: InvalidInputError: Malformed audit-log CloudEvent: data.protoPayload.serviceName:',
    );
  });

  it('refuses Google CloudEvents in an array: Eventarc delivers one per request', async () => {
    const event = await file('batch.json', [readEventFile('gcp/forwarding-rule-insert.json')]);

    await expect(invokeCommand([event, '--local'])).rejects.toThrow(/\[0\] is a Google CloudEvent/);
  });
});

describe('linkdns invoke against the configured AWS (here: a local AWS named by LINKDNS_AWS_ENDPOINT)', () => {
  let scenario: AwsScenario;
  let config: string;

  beforeEach(async () => {
    scenario = await startAwsScenario();
    seedSampleEndpoint(scenario);
    config = await file('config.json', awsScenarioConfig(scenario));
    // The default credential chain reads the environment, as it would on a laptop or in CI.
    vi.stubEnv('LINKDNS_AWS_ENDPOINT', scenario.aws.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', '');
  });

  afterEach(async () => {
    await scenario.aws.close();
  });

  it('runs the handler with the default credential chain, --config and --region', async () => {
    const result = await invokeCommand([
      'events/aws/create-vpc-endpoint.json',
      '--config',
      config,
      '--region',
      AWS_SCENARIO.region,
    ]);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^AWS Lambda handleEndpointEvent in us-east-2\n/);
    expect(awsZoneLines(scenario)).toHaveLength(4);
  });

  it('writes nothing with --dry-run', async () => {
    const result = await invokeCommand([
      'events/aws/create-vpc-endpoint.json',
      '--config',
      config,
      '--region',
      AWS_SCENARIO.region,
      '--dry-run',
      '--json',
    ]);

    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report.dryRun).toBe(true);
    expect(report.zones[0]).toMatchObject({ outcome: 'drift' });
    expect(report.zones[0]?.changes.create).toHaveLength(5);
    expect(awsZoneLines(scenario)).toEqual([]);
    expect(scenario.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
  });

  it('exits 1 with the zone’s error when the writes are refused', async () => {
    scenario.aws.faults.add({ operation: 'ChangeResourceRecordSets', code: 'AccessDenied', status: 403 });

    const result = await invokeCommand([
      'events/aws/create-vpc-endpoint.json',
      '--config',
      config,
      '--region',
      AWS_SCENARIO.region,
    ]);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('✗ AccessDenied');
    expect(result.stderr).toContain('error: reconcile failed');
  });
});

describe('linkdns invoke against the configured Google Cloud (here: a local one named by LINKDNS_GCP_API_ROOT)', () => {
  let scenario: GcpScenario;
  let config: string;

  beforeEach(async () => {
    scenario = await startGcpScenario();
    config = await file('config.json', gcpScenarioConfig());
    vi.stubEnv('LINKDNS_GCP_API_ROOT', scenario.gcp.baseUrl);
  });

  afterEach(async () => {
    await scenario.gcp.close();
  });

  it('runs the function with --config, --project and --region', async () => {
    const result = await invokeCommand([
      'events/gcp/forwarding-rule-insert.json',
      '--config',
      config,
      '--project',
      GCP_SCENARIO.project,
      '--region',
      GCP_SCENARIO.region,
    ]);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Google Cloud Function forwardingRuleEvents in project acme-prod\n/);
    expect(gcpARecords(scenario.gcp.state)['A *']).toEqual(['10.2.0.11', '10.2.0.12', '10.2.0.13']);
    expect(scenario.gcp.requests.entries.some((entry) => entry.path.includes('/regions/us-central1/'))).toBe(true);
  });

  it('names what is missing when neither --project nor LINKDNS_GCP_PROJECT is given', async () => {
    vi.stubEnv('LINKDNS_GCP_PROJECT', '');
    vi.stubEnv('GOOGLE_CLOUD_PROJECT', '');

    const invocation = invokeCommand(['events/gcp/forwarding-rule-insert.json', '--config', config]);

    await expect(invocation).rejects.toThrow(/LINKDNS_GCP_PROJECT: is required/);
    expect(scenario.gcp.requests.entries).toEqual([]);
  });
});
