import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/aws/index.ts';
import { baseConfig, DOMAIN as GCP_DOMAIN, type GcpHarness, PROJECT, startGcpHarness } from '../gcp/gcp-harness.ts';
import { type AwsHarness, DOMAIN, REGION, startAwsHarness } from '../support/aws-harness.ts';
import {
  BIN,
  ensureBuilt,
  LOAD_TRACE,
  loadedPackages,
  ROOT,
  run,
  SAMPLE_DOMAIN,
  SAMPLE_RECORDS_ARGS,
} from './built-dist.ts';

const CLOUD_SDKS = [
  '@aws-sdk/client-route-53',
  '@aws-sdk/client-ec2',
  '@azure/identity',
  '@azure/arm-network',
  'google-auth-library',
];

/** Runs the built CLI in a fresh Node 22 with the load trace; never throws on a non-zero exit. */
async function linkdns(args: readonly string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', LOAD_TRACE, BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The built CLI (`npm run build` → dist/cli): what starts, and which cloud SDKs each command loads. */
describe('the built CLI', () => {
  beforeAll(ensureBuilt, 180_000);

  it('prints the package version and its help without loading any npm package', async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };

    const shown = await linkdns(['--version']);
    const help = await linkdns(['--help']);

    expect(shown).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('linkdns records --domain');
    expect([...loadedPackages(shown.stderr), ...loadedPackages(help.stderr)]).toEqual([]);
    // The trace saw the built entry, not TypeScript sources.
    expect(help.stderr).toContain('dist/cli/main.js');
    expect(help.stderr).not.toMatch(/\.ts\n/);
  });

  it('computes records offline and loads no cloud SDK for it', async () => {
    const records = await linkdns(SAMPLE_RECORDS_ARGS);

    expect(records.code).toBe(0);
    expect(records.stdout).toContain(`*.use2-az1.${DOMAIN}`);
    const loaded = loadedPackages(records.stderr);
    for (const sdk of CLOUD_SDKS) expect(loaded).not.toContain(sdk);
  });

  it('reads and checks record files without zod or any cloud SDK: records, export --records, verify --records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linkdns-built-cli-offline-'));
    try {
      const records = await linkdns([...SAMPLE_RECORDS_ARGS, '--json']);
      const file = join(dir, 'records.json');
      await writeFile(file, records.stdout);
      const exported = await linkdns(['export', '--domain', SAMPLE_DOMAIN, '--records', file]);
      // Port 9 (discard) answers nothing useful: the verdict does not matter here, only what was loaded to reach it.
      const verified = await linkdns([
        'verify',
        '--records',
        file,
        '--resolver',
        '127.0.0.1:9',
        '--timeout',
        '200',
        '--tries',
        '1',
      ]);
      const bad = join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify([{ name: 'x', type: 'A', ttl: 'soon', values: ['10.0.0.1'] }]));
      const rejected = await linkdns(['export', '--domain', SAMPLE_DOMAIN, '--records', bad]);

      expect(records.code, records.stderr).toBe(0);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toMatch(/^\*\.use2-az1 +60 +IN +CNAME +vpce-/m);
      expect(verified.stderr).not.toMatch(/records\.json: /);
      // Validation did not get weaker for being lighter: the error names the file and the field.
      expect(rejected.code).toBe(1);
      expect(rejected.stderr).toMatch(/bad\.json: expected record sets .*\n {2}- 0\.ttl: expected an integer/);
      for (const run of [records, exported, verified, rejected]) {
        const loaded = loadedPackages(run.stderr);
        for (const name of ['zod', ...CLOUD_SDKS]) expect(loaded).not.toContain(name);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('a one-cloud plan against the local AWS', () => {
    let h: AwsHarness;
    let dir: string;

    beforeAll(async () => {
      h = await startAwsHarness();
      await h.createEndpoint(h.subnetIds);
      dir = await mkdtemp(join(tmpdir(), 'linkdns-built-cli-'));
      await writeFile(
        join(dir, 'linkdns.json'),
        JSON.stringify({ owner: 'platform-test', mappings: [{ service: h.service, domain: DOMAIN }] }),
      );
    });

    afterAll(async () => {
      await h?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('plans through the AWS SDK and loads neither Azure nor Google libraries', async () => {
      const plan = await linkdns(['plan', '--config', join(dir, 'linkdns.json'), '--region', REGION], {
        LINKDNS_AWS_ENDPOINT: h.aws.endpoint,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      });

      expect(plan.code, plan.stderr).toBe(2);
      expect(plan.stdout).toContain(`zone ${DOMAIN} (${h.zoneId}) in ${h.vpcId}: 5 to create`);
      const loaded = [...loadedPackages(plan.stderr)];
      expect(loaded).toEqual(expect.arrayContaining(['@aws-sdk/client-route-53', '@aws-sdk/client-ec2']));
      expect(loaded.filter((name) => name.startsWith('@azure/') || name.startsWith('google-'))).toEqual([]);
    });
  });

  describe('a one-cloud plan against the local Google Cloud', () => {
    let h: GcpHarness;
    let dir: string;

    beforeAll(async () => {
      h = await startGcpHarness();
      dir = await mkdtemp(join(tmpdir(), 'linkdns-built-cli-gcp-'));
      await writeFile(join(dir, 'linkdns.json'), JSON.stringify(baseConfig));
    });

    afterAll(async () => {
      await h?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('plans through the Google client and loads neither the AWS nor the Azure SDK', async () => {
      const plan = await linkdns(
        [
          'plan',
          '--cloud',
          'gcp',
          '--config',
          join(dir, 'linkdns.json'),
          '--project',
          PROJECT,
          '--region',
          'us-central1',
        ],
        { LINKDNS_GCP_API_ROOT: h.gcp.baseUrl },
      );

      expect(plan.code, plan.stderr).toBe(2);
      expect(plan.stdout).toContain(`+ *.us-central1-a.${GCP_DOMAIN} A 60 10.2.0.11`);
      const loaded = [...loadedPackages(plan.stderr)];
      expect(loaded.filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('@azure/'))).toEqual([]);
    });
  });
});
