import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { discoverCommand } from '../../functions/cli/confluent-options.ts';
import { runCli } from '../../functions/cli/main.ts';
import { applyCommand, planCommand } from '../../functions/cli/reconcile-commands.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/index.ts';
import { CONFLUENT_SCENARIO, seedConfluentScenario } from '../../local/confluent/seed.ts';
import { type LocalConfluent, startLocalConfluent } from '../../local/confluent/server.ts';
import { type Receiver, startReceiver } from '../notify/receiver.ts';
import { type AwsHarness, DOMAIN, REGION, startAwsHarness } from '../support/aws-harness.ts';

/** `linkdns discover`, and `plan` / `apply` with discovered mappings, against the local Confluent Cloud and AWS. */
let confluent: LocalConfluent;
let dir: string;
const stderr: string[] = [];
const stdout: string[] = [];

beforeEach(async () => {
  confluent = await startLocalConfluent();
  seedConfluentScenario(confluent.state);
  dir = await mkdtemp(join(tmpdir(), 'linkdns-discover-'));
  vi.stubEnv('CONFLUENT_CLOUD_API_KEY', CONFLUENT_SCENARIO.apiKey);
  vi.stubEnv('CONFLUENT_CLOUD_API_SECRET', CONFLUENT_SCENARIO.apiSecret);
  vi.stubEnv('LINKDNS_CONFLUENT_ENDPOINT', confluent.baseUrl);
  vi.stubEnv('NO_COLOR', '1');
  stderr.length = 0;
  stdout.length = 0;
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await confluent.close();
  await rm(dir, { recursive: true, force: true });
});

describe('linkdns discover', () => {
  it('--json prints one object per service, sorted by service', async () => {
    const result = await discoverCommand(['--environment', CONFLUENT_SCENARIO.environment, '--json']);

    const printed = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(result.exitCode).toBe(0);
    expect(Array.isArray(printed)).toBe(true);
    expect(printed.map((m) => m.format_version)).toEqual(printed.map(() => 1));
    const mappings = printed.map(({ format_version: _, ...mapping }) => mapping);
    expect(mappings.map((m) => m.service)).toEqual([...mappings.map((m) => m.service as string)].sort());
    expect(mappings[0]).toEqual({
      cloud: 'aws',
      service: 'com.amazonaws.vpce.us-east-2.vpce-svc-01234567890abcdef',
      domain: 'pr1jy6.us-east-2.aws.confluent.cloud',
      layout: 'zonal',
      source: 'n-pr1jy6',
      environment: 'env-lnk7dns',
    });
    expect(mappings).toContainEqual({
      cloud: 'gcp',
      service: 'projects/cc-sa-6ky22p/regions/us-central1/serviceAttachments/s-6ky22p-service-attachment-us-central1-b',
      domain: '6ky22p.us-central1.gcp.confluent.cloud',
      layout: 'zonal',
      zone: 'us-central1-b',
      source: 'n-6ky22p',
      environment: 'env-lnk7dns',
    });
    expect(mappings).toContainEqual(
      expect.objectContaining({
        cloud: 'azure',
        layout: 'regional',
        source: 'platt-r4t8k',
        environment: 'env-lnk7dns',
      }),
    );
    expect(mappings).toHaveLength(8);
    expect(result.stderr).toContain('skipped n-w9q3e1 (env-lnk7dns): phase PROVISIONING: contributes once READY');
    expect(result.stderr).toContain('8 mapping(s) from env-lnk7dns; 2 Confluent Cloud API call(s)');
  });

  it('--confluent-endpoint wins over LINKDNS_CONFLUENT_ENDPOINT', async () => {
    vi.stubEnv('LINKDNS_CONFLUENT_ENDPOINT', 'http://127.0.0.1:9');
    const args = ['--environment', CONFLUENT_SCENARIO.environment, '--confluent-endpoint', confluent.baseUrl];
    const result = await discoverCommand(args);
    expect(result.stdout).toMatch(/^aws {3}com\.amazonaws\.vpce\.us-east-2\.vpce-svc-01234567890abcdef +→ pr1jy6/);
  });

  it.each([
    [
      'bad credentials',
      () => vi.stubEnv('CONFLUENT_CLOUD_API_SECRET', 'wrong'),
      CONFLUENT_SCENARIO.environment,
      /rejected the Cloud API key \(401/,
    ],
    [
      'missing credentials',
      () => vi.stubEnv('CONFLUENT_CLOUD_API_KEY', ''),
      CONFLUENT_SCENARIO.environment,
      /No Confluent Cloud API credentials: environment variable CONFLUENT_CLOUD_API_KEY could not be read/,
    ],
    ['an unknown environment', () => {}, 'env-nope1', /403: Forbidden Access to environment 'env-nope1'/],
  ])('exits 1 with a message naming the cause on %s', async (_name, arrange, environment, message) => {
    arrange();
    const exitCode = await runCli(['discover', '--environment', environment, '--json']);
    expect(exitCode).toBe(1);
    expect(stdout.join('')).toBe('');
    expect(stderr.join('')).toMatch(message);
  });
});

describe('linkdns plan / apply with discovery', () => {
  let h: AwsHarness;
  let receiver: Receiver;
  let config: string;

  beforeEach(async () => {
    h = await startAwsHarness();
    receiver = await startReceiver();
    config = join(dir, 'linkdns.json');
    // Zero typed mappings: the domain, the endpoint service and the zones all come from Confluent Cloud.
    await writeFile(
      config,
      JSON.stringify({
        owner: 'platform-test',
        mappings: [],
        notifications: [
          {
            name: 'oncall',
            type: 'slack',
            url: { env: 'LINKDNS_TEST_SLACK_URL' },
            filter: 'errors',
            allowHttp: true,
            allowPrivateHosts: ['127.0.0.1'],
          },
        ],
      }),
    );
    vi.stubEnv('LINKDNS_TEST_SLACK_URL', `${receiver.origin}/slack`);
    vi.stubEnv('LINKDNS_AWS_ENDPOINT', h.aws.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('LINKDNS_ROUTE53_RATE', '50');
  });

  afterEach(async () => {
    await receiver.close();
    await h.close();
  });

  const args = (...extra: string[]) => [
    '--config',
    config,
    '--region',
    REGION,
    '--environment',
    CONFLUENT_SCENARIO.environment,
    ...extra,
  ];

  it('apply writes the records of an endpoint with zero typed mappings, discovering once for plan and apply', async () => {
    await h.createEndpoint(h.subnetIds);

    const plan = await planCommand(args());
    const apply = await applyCommand(args('--yes'), { isTTY: false, confirm: async () => false });

    expect(plan.exitCode).toBe(2);
    expect(plan.stdout).toContain(`zone ${DOMAIN} (${h.zoneId}) in ${h.vpcId}: 5 to create`);
    expect(apply.exitCode).toBe(0);
    expect(h.zoneLines().map((line) => line.split(' ')[0])).toEqual([
      `*.${DOMAIN}`,
      `*.use2-az1.${DOMAIN}`,
      `*.use2-az2.${DOMAIN}`,
      `*.use2-az3.${DOMAIN}`,
    ]);
    expect(stderr.join('')).toContain('Confluent Cloud: 8 mapping(s) from env-lnk7dns, 2 API call(s)');
    // The plan of `apply` discovered (2 calls); its apply reused that discovery.
    expect(confluent.requests.entries).toHaveLength(4);
    expect(stderr.join('')).toContain('Confluent Cloud: 8 mapping(s) from env-lnk7dns (reused)');
    expect(receiver.requests).toHaveLength(0);
  });

  it('plan --json carries the discovery and its API calls in the report', async () => {
    await h.createEndpoint(h.subnetIds);
    const plan = JSON.parse((await planCommand(args('--json'))).stdout);
    expect(plan.discovery).toMatchObject({ source: 'confluent', mappings: 8, apiCalls: 2, cached: false });
    expect(plan.zones[0].conflicts).toEqual([]);
  });

  it('leaves the records of a network Confluent no longer lists alone: its domain is simply no longer managed', async () => {
    await h.createEndpoint(h.subnetIds);
    await applyCommand(args('--yes'), { isTTY: false, confirm: async () => false });
    confluent.state.remove(CONFLUENT_SCENARIO.environment, CONFLUENT_SCENARIO.networks.aws);

    const repair = await applyCommand(args('--yes'), { isTTY: false, confirm: async () => false });

    expect(repair.exitCode).toBe(0);
    expect(h.zoneLines()).toHaveLength(4);
  });

  it('bad credentials: exit 1 naming the cause, nothing written, one notification', async () => {
    vi.stubEnv('CONFLUENT_CLOUD_API_SECRET', 'wrong');
    await h.createEndpoint(h.subnetIds);

    const exitCode = await runCli(['apply', ...args('--yes')]);

    expect(exitCode).toBe(1);
    expect(stderr.join('')).toMatch(/linkdns apply: Confluent Cloud rejected the Cloud API key \(401/);
    expect(h.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.body).toContain('Confluent Cloud discovery');
  });

  it('an outage (503 throughout): exit 1 naming it, nothing written', async () => {
    confluent.faults.add({ status: 503, times: 10 });
    await h.createEndpoint(h.subnetIds);

    const exitCode = await runCli(['plan', ...args()]);

    expect(exitCode).toBe(1);
    expect(stderr.join('')).toMatch(/linkdns plan: Confluent Cloud answered 503 .*still failing after 4 attempts/);
    expect(h.aws.requests.count('ChangeResourceRecordSets')).toBe(0);
  });
});
