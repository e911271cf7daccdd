import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZip } from '../../scripts/zip.ts';
import { ROOT, run } from './built-dist.ts';

/**
 * A stand-in `gcloud` on PATH: logs every call, keeps the resources that "exist" in a state file (describe succeeds
 * for them, create adds them), and serves one managed zone's IAM policy, which already grants someone else a role.
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

  const deploy = () =>
    run('bash', [join(ROOT, 'scripts/deploy-gcp.sh'), join(dir, 'functions.zip')], {
      env: {
        ...process.env,
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

  it('deploys the three functions and their triggers, granting IAM by adding members only; a second run converges', async () => {
    await deploy();
    const first = await calls();
    await writeFile(join(dir, 'calls.log'), '');
    await deploy();
    const second = (await readFile(join(dir, 'calls.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);

    const deployed = first.filter((call) => call[0] === 'functions' && call[1] === 'deploy').map((call) => call[2]);
    expect(deployed).toEqual([
      'linkdns-forwarding-rule-events',
      'linkdns-cloud-dns-record-events',
      'linkdns-scheduled-repair',
    ]);
    expect(first.flat()).toContain('--entry-point=forwardingRuleEvents');
    expect(first.flat()).toContain('--trigger-event-filters=methodName=v1.compute.forwardingRules.insert');
    expect(
      first.some((call) => call.join(' ').startsWith('eventarc triggers create linkdns-forwarding-rule-delete')),
    ).toBe(true);
    // Project and service grants add a member; the only policy ever written is the zone's, from the policy read.
    expect(first.filter((call) => call.includes('add-iam-policy-binding'))).toHaveLength(4);
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
});
