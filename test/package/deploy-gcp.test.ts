import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZip } from '../../scripts/zip.ts';
import { ROOT, run } from './built-dist.ts';

/**
 * A stand-in `gcloud` on PATH: logs every call, keeps the resources that "exist" in a state file (describe succeeds
 * for them, create adds them), serves one managed zone's IAM policy, which already grants someone else a role, answers
 * the `--format=value(…)` look-ups of the worker's trigger subscription and the project number, and keeps the env file
 * each function is deployed with.
 */
const FAKE_GCLOUD = `#!/usr/bin/env node
const fs = require('node:fs');
const dir = process.env.FAKE_GCLOUD_DIR;
const args = process.argv.slice(2);
fs.appendFileSync(dir + '/calls.log', JSON.stringify(args) + '\\n');
const stateFile = dir + '/state.json';
const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : { exists: [] };
const words = args.filter((arg) => !arg.startsWith('--'));
const key = [words[0], words[1], (words[words.length - 1] ?? '').split('@')[0]].join(' ');
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state));
const values = {
  'value(eventTrigger.trigger)': 'projects/acme-prod/locations/us-central1/triggers/linkdns-repair-worker-719',
  'value(transport.pubsub.subscription)': 'projects/acme-prod/subscriptions/eventarc-us-central1-linkdns-repair-worker-719-sub-384',
  'value(projectNumber)': '123456789012',
};
const format = args.find((arg) => arg.startsWith('--format=value('));
if (format) { process.stdout.write(values[format.slice('--format='.length)] + '\\n'); process.exit(0); }
const envFile = args.find((arg) => arg.startsWith('--env-vars-file='));
if (envFile) fs.copyFileSync(envFile.slice('--env-vars-file='.length), dir + '/env-' + words[2] + '.yaml');
if (args.includes('describe')) process.exit(state.exists.includes(key) ? 0 : 1);
if (args.includes('create')) { state.exists.push(key); save(); }
if (args.includes('get-iam-policy')) {
  process.stdout.write(fs.existsSync(dir + '/zone-policy.json') ? fs.readFileSync(dir + '/zone-policy.json', 'utf8')
    : JSON.stringify({ etag: 'BwX1', bindings: [{ role: 'roles/dns.admin', members: ['user:ops@example.com'] }] }));
}
if (args.includes('set-iam-policy')) {
  const file = args.find((arg) => arg.startsWith('--policy-file=')).slice('--policy-file='.length);
  fs.writeFileSync(dir + '/zone-policy.json', fs.readFileSync(file, 'utf8'));
}
`;

describe('scripts/deploy-gcp.sh', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'linkdns-deploy-gcp-'));
    await writeFile(join(dir, 'gcloud'), FAKE_GCLOUD);
    await chmod(join(dir, 'gcloud'), 0o755);
    await writeFile(join(dir, 'env.yaml'), 'LINKDNS_CONFIG: "{}"\n');
    await writeFile(
      join(dir, 'functions.zip'),
      createZip([
        { name: 'index.mjs', data: Buffer.from('export {};\n') },
        { name: 'package.json', data: Buffer.from('{"type":"module","main":"index.mjs"}\n') },
      ]),
    );
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const deploy = (settings: Record<string, string> = {}) =>
    run('bash', [join(ROOT, 'scripts/deploy-gcp.sh'), join(dir, 'functions.zip')], {
      env: {
        ...process.env,
        ...settings,
        PATH: `${dir}:${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
        FAKE_GCLOUD_DIR: dir,
        PROJECT: 'acme-prod',
        REGION: 'us-central1',
        ENV_FILE: join(dir, 'env.yaml'),
        ZONES: 'confluent-6ky22p',
      },
    });
  const calls = async () =>
    (await readFile(join(dir, 'calls.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);

  it('deploys the four functions and their triggers, granting IAM by adding members only; a second run converges', async () => {
    await deploy();
    const first = await calls();
    await writeFile(join(dir, 'calls.log'), '');
    await deploy();
    const second = (await readFile(join(dir, 'calls.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);

    const deployed = first.filter((call) => call[0] === 'functions' && call[1] === 'deploy').map((call) => call[2]);
    // The coordinator last: it is deployed with the worker trigger's subscription, known once the worker exists.
    expect(deployed).toEqual([
      'linkdns-forwarding-rule-events',
      'linkdns-cloud-dns-record-events',
      'linkdns-repair-worker',
      'linkdns-scheduled-repair',
    ]);
    expect(first.flat()).toContain('--entry-point=forwardingRuleEvents');
    expect(first.flat()).toContain('--trigger-event-filters=methodName=v1.compute.forwardingRules.insert');
    expect(
      first.some((call) => call.join(' ').startsWith('eventarc triggers create linkdns-forwarding-rule-delete')),
    ).toBe(true);
    // Project and service grants add a member; the only policy ever written is the zone's, from the policy read.
    // 4 + the backlog reader + the sweep topic's publisher, and the Pub/Sub agent on the dead-letter topic and the
    // worker's subscription.
    expect(first.filter((call) => call.includes('add-iam-policy-binding'))).toHaveLength(8);
    expect([...first, ...second].filter((call) => call.includes('set-iam-policy'))).toHaveLength(1);
    const zonePolicy = JSON.parse(await readFile(join(dir, 'zone-policy.json'), 'utf8'));
    expect(zonePolicy).toEqual({
      etag: 'BwX1',
      bindings: [
        { role: 'roles/dns.admin', members: ['user:ops@example.com'] },
        {
          role: 'projects/acme-prod/roles/linkdnsRecordWriter',
          members: ['serviceAccount:linkdns@acme-prod.iam.gserviceaccount.com'],
        },
      ],
    });
    // Second run: nothing created twice, triggers and the schedule updated in place.
    expect(second.filter((call) => call.includes('create'))).toEqual([]);
    expect(second.some((call) => call.join(' ').startsWith('eventarc triggers update'))).toBe(true);
    expect(second.some((call) => call.join(' ').startsWith('scheduler jobs update pubsub'))).toBe(true);
  }, 60_000);

  it('fans the repair out: sweep topic, worker with --retry, dead-letter topic on the trigger’s subscription', async () => {
    // Act
    await deploy();
    const log = await calls();
    const line = (prefix: string) => log.find((call) => call.join(' ').startsWith(prefix)) ?? [];

    // Assess
    expect(line('functions deploy linkdns-repair-worker')).toEqual(
      expect.arrayContaining(['--entry-point=repairWorker', '--trigger-topic=linkdns-sweep', '--retry']),
    );
    const subscription = 'projects/acme-prod/subscriptions/eventarc-us-central1-linkdns-repair-worker-719-sub-384';
    expect(line(`pubsub subscriptions update ${subscription}`)).toEqual(
      expect.arrayContaining([
        '--dead-letter-topic=projects/acme-prod/topics/linkdns-sweep-dead-letter',
        '--max-delivery-attempts=5',
      ]),
    );
    const agent = 'serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com';
    expect(line('pubsub topics add-iam-policy-binding linkdns-sweep-dead-letter')).toEqual(
      expect.arrayContaining([`--member=${agent}`, '--role=roles/pubsub.publisher']),
    );
    expect(line(`pubsub subscriptions add-iam-policy-binding ${subscription}`)).toEqual(
      expect.arrayContaining([`--member=${agent}`, '--role=roles/pubsub.subscriber']),
    );
    expect(line('pubsub subscriptions create linkdns-sweep-dead-letter')).toContain(
      '--topic=linkdns-sweep-dead-letter',
    );
    expect(line('pubsub topics add-iam-policy-binding linkdns-sweep ')).toContain(
      '--member=serviceAccount:linkdns@acme-prod.iam.gserviceaccount.com',
    );
    expect(await readFile(join(dir, 'env-linkdns-repair-worker.yaml'), 'utf8')).toContain(
      'LINKDNS_SWEEP_TOPIC: "linkdns-sweep"',
    );
  }, 60_000);

  it('deploys the coordinator with the worker trigger’s subscription and lets it read that backlog, nothing more', async () => {
    // Act
    await deploy();
    const log = await calls();
    const line = (prefix: string) => log.find((call) => call.join(' ').startsWith(prefix)) ?? [];
    const coordinatorEnv = await readFile(join(dir, 'env-linkdns-scheduled-repair.yaml'), 'utf8');
    const workerEnv = await readFile(join(dir, 'env-linkdns-repair-worker.yaml'), 'utf8');

    // Assess: the subscription gcloud printed for the trigger, in the coordinator's settings only
    expect(coordinatorEnv).toContain(
      'LINKDNS_SWEEP_SUBSCRIPTION: "projects/acme-prod/subscriptions/eventarc-us-central1-linkdns-repair-worker-719-sub-384"',
    );
    expect(coordinatorEnv).toContain('LINKDNS_SWEEP_TOPIC: "linkdns-sweep"');
    expect(workerEnv).not.toContain('LINKDNS_SWEEP_SUBSCRIPTION');
    const subscriptionLookUp = log.findIndex((call) => call.includes('--format=value(transport.pubsub.subscription)'));
    const coordinatorDeploy = log.findIndex((call) =>
      call.join(' ').startsWith('functions deploy linkdns-scheduled-repair'),
    );
    expect(subscriptionLookUp).toBeGreaterThanOrEqual(0);
    expect(coordinatorDeploy).toBeGreaterThan(subscriptionLookUp);
    // Least privilege: a custom role with monitoring.timeSeries.list alone (as infra/gcp/roles has it), added to the
    // functions' service account on the project; never roles/monitoring.viewer or more
    const role = JSON.parse(await readFile(join(ROOT, 'infra/gcp/roles/linkdns-backlog-reader.json'), 'utf8')) as {
      includedPermissions: string[];
    };
    expect(line('iam roles create linkdnsBacklogReader')).toContain(
      `--permissions=${role.includedPermissions.join(',')}`,
    );
    expect(
      line(
        'projects add-iam-policy-binding acme-prod --member=serviceAccount:linkdns@acme-prod.iam.gserviceaccount.com --role=projects/acme-prod/roles/linkdnsBacklogReader',
      ),
    ).not.toEqual([]);
    expect(log.flat().filter((arg) => /--role=roles\/monitoring\./.test(arg))).toEqual([]);
  }, 60_000);

  /** Σ --max-instances × the LINKDNS_GCP_REQUESTS_PER_MINUTE each function was deployed with. */
  async function deployedBudget(): Promise<{ instances: number; requestsPerMinute: number }> {
    const deployed = (await calls()).filter((call) => call[0] === 'functions' && call[1] === 'deploy');
    let instances = 0;
    let requestsPerMinute = 0;
    for (const call of deployed) {
      const max = Number(call.find((arg) => arg.startsWith('--max-instances='))?.split('=')[1]);
      const env = await readFile(join(dir, `env-${call[2]}.yaml`), 'utf8');
      const rate = Number(env.match(/^LINKDNS_GCP_REQUESTS_PER_MINUTE: "(\d+)"$/m)?.[1]);
      expect(Number.isInteger(max) && max >= 1 && rate >= 1).toBe(true);
      instances += max;
      requestsPerMinute += max * rate;
    }
    return { instances, requestsPerMinute };
  }

  it('keeps all functions together within the configured share of the Cloud DNS quota by construction', async () => {
    // Act: the defaults (600 requests/min, 50%), then a wider deployment
    await deploy();
    const defaults = await deployedBudget();
    await writeFile(join(dir, 'calls.log'), '');
    await deploy({ DNS_QUOTA_PER_MINUTE: '1000', DNS_SHARE_PERCENT: '80', REPAIR_WORKERS: '7', EVENT_INSTANCES: '2' });
    const wide = await deployedBudget();

    // Assess: 3 single-instance functions + 2 workers at 60 requests/min each = 300 of 600
    expect(defaults).toEqual({ instances: 5, requestsPerMinute: 300 });
    expect(wide.instances).toBe(13);
    expect(wide.requestsPerMinute).toBeLessThanOrEqual(800);
    expect(wide.requestsPerMinute).toBeGreaterThan(800 - wide.instances);
  }, 60_000);

  it('refuses a share that leaves an instance less than one request per minute, and a computed setting in ENV_FILE', async () => {
    // Act
    const tooThin = await deploy({ DNS_QUOTA_PER_MINUTE: '10', REPAIR_WORKERS: '20' }).catch((error: unknown) => error);
    await writeFile(join(dir, 'env.yaml'), 'LINKDNS_CONFIG: "{}"\nLINKDNS_GCP_REQUESTS_PER_MINUTE: "999"\n');
    const overridden = await deploy().catch((error: unknown) => error);
    await writeFile(join(dir, 'env.yaml'), 'LINKDNS_CONFIG: "{}"\nLINKDNS_SWEEP_SUBSCRIPTION: "other-sub"\n');
    const subscriptionOverridden = await deploy().catch((error: unknown) => error);

    // Assess
    expect(String((tooThin as { stderr?: string }).stderr ?? tooThin)).toMatch(/less than 1 request\/min each/);
    expect(String((overridden as { stderr?: string }).stderr ?? overridden)).toMatch(
      /sets LINKDNS_GCP_REQUESTS_PER_MINUTE, which deploy-gcp.sh computes/,
    );
    expect(String((subscriptionOverridden as { stderr?: string }).stderr ?? subscriptionOverridden)).toMatch(
      /sets LINKDNS_SWEEP_SUBSCRIPTION, which deploy-gcp.sh computes/,
    );
  }, 60_000);
});
