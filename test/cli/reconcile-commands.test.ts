import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../../functions/cli/export.ts';
import { applyCommand, planCommand, repairCommand } from '../../functions/cli/reconcile-commands.ts';
import { verifyCommand } from '../../functions/cli/verify.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/index.ts';
import { type AwsHarness, DOMAIN, REGION, startAwsHarness } from '../support/aws-harness.ts';
import { startBind } from '../support/bind-server.ts';

/** `linkdns plan | apply | repair` against the local AWS, through the real AWS runtime and SDK clients. */
describe('linkdns plan / apply / repair', () => {
  let h: AwsHarness;
  let dir: string;
  let config: string;
  const stderr: string[] = [];

  beforeEach(async () => {
    h = await startAwsHarness();
    dir = await mkdtemp(join(tmpdir(), 'linkdns-cli-'));
    config = join(dir, 'linkdns.json');
    await writeFile(
      config,
      JSON.stringify({ owner: 'platform-test', mappings: [{ service: h.service, domain: DOMAIN }] }),
    );
    vi.stubEnv('LINKDNS_AWS_ENDPOINT', h.aws.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('NO_COLOR', '1');
    vi.stubEnv('LINKDNS_ROUTE53_RATE', '50');
    stderr.length = 0;
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  const args = (...extra: string[]) => ['--config', config, '--region', REGION, ...extra];
  const writes = () => h.aws.requests.count('ChangeResourceRecordSets');

  it('plan shows the pending records, exits 2 and writes nothing; apply --yes writes; plan then exits 0', async () => {
    // Prepare
    await h.createEndpoint(h.subnetIds);

    // Act
    const plan = await planCommand(args());
    const apply = await applyCommand(args('--yes'), { isTTY: false, confirm: async () => false });
    const again = await planCommand(args());

    // Assess
    expect(plan.exitCode).toBe(2);
    expect(plan.stdout).toContain(`zone ${DOMAIN} (${h.zoneId}) in ${h.vpcId}: 5 to create`);
    expect(plan.stdout).toMatch(/\+ \*\.use2-az1\.pr1jy6\.us-east-2\.aws\.confluent\.cloud CNAME 60 vpce-/);
    expect(apply.exitCode).toBe(0);
    expect(apply.stdout).toContain('applied (5 create)');
    expect(writes()).toBe(1);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('up to date');
    expect(h.zoneLines()).toHaveLength(4);
    expect(stderr.join('')).toMatch(/changed: create \*\.pr1jy6/);
  });

  it('plan --json prints the report', async () => {
    await h.createEndpoint(h.subnetIds);

    const plan = await planCommand(args('--json'));

    expect(JSON.parse(plan.stdout)).toMatchObject({
      format_version: 1,
      dryRun: true,
      zones: [{ domain: DOMAIN, outcome: 'drift' }],
    });
  });

  it('apply refuses without --yes when not on a terminal, and asks on a terminal', async () => {
    await h.createEndpoint(h.subnetIds);

    await expect(applyCommand(args(), { isTTY: false, confirm: async () => true })).rejects.toThrow(/--yes/);
    const declined = await applyCommand(args(), { isTTY: true, confirm: async () => false });
    expect(declined.exitCode).toBe(1);
    expect(writes()).toBe(0);

    const accepted = await applyCommand(args(), { isTTY: true, confirm: async () => true });
    expect(accepted.exitCode).toBe(0);
    expect(writes()).toBe(1);
  });

  it('repair --detect-only reports drift (exit 2) and changes nothing; repair fixes it with a progress line', async () => {
    // Prepare: records in place, then someone edits one.
    await h.createEndpoint(h.subnetIds);
    await applyCommand(args('--yes'));
    const az1 = h.aws.route53.recordSet(h.zoneId, `*.use2-az1.${DOMAIN}`, 'CNAME');
    h.aws.route53.putRecordSet(h.zoneId, { ...(az1 as NonNullable<typeof az1>), values: ['typo.example.com'] });
    const before = writes();

    // Act
    const detect = await repairCommand(args('--detect-only'));
    const detectWrites = writes() - before;
    const repair = await repairCommand(args());

    // Assess
    expect(detect.exitCode).toBe(2);
    expect(detectWrites).toBe(0);
    expect(repair.exitCode).toBe(0);
    expect(repair.stdout).toContain('applied (1 update)');
    expect(stderr.join('')).toContain(`[1/1] ${DOMAIN} ${h.vpcId}: changed`);
    expect(h.zoneLines().find((line) => line.startsWith('*.use2-az1.'))).not.toContain('typo');
  });

  it('exports the zone the reconciler produced; BIND serves it and verify --config finds every name right', async () => {
    // Prepare: the reconciler writes the zone through Route 53.
    await h.createEndpoint(h.subnetIds);
    await applyCommand(args('--yes'));

    // Act: export the live zone, serve it from a real BIND 9, resolve sample names through it.
    const exported = await exportCommand([...args(), '--domain', DOMAIN, '--nameserver-address', '127.0.0.1']);
    const bind = await startBind({ zones: { [DOMAIN]: exported.stdout } });
    try {
      const verified = await verifyCommand([...args(), '--resolver', bind.address, '--json']);

      // Assess
      expect(exported.stdout).toMatch(
        /^\*\.use2-az1\s+60\s+IN\s+CNAME\s+vpce-[^\s]+-us-east-2[abc]\.vpce-svc-[^\s]+\.amazonaws\.com\.$/m,
      );
      expect(exported.stdout).toContain('_linkdns');
      const report = JSON.parse(verified.stdout);
      expect(verified.exitCode).toBe(0);
      expect(report.ok).toBe(true);
      expect(report.checks.map((check: { name: string }) => check.name)).toContain(`lkc-abc12-00aa.use2-az1.${DOMAIN}`);

      // A record changed behind linkdns's back makes verify fail, naming it.
      h.aws.route53.putRecordSet(h.zoneId, {
        name: `*.use2-az2.${DOMAIN}`,
        type: 'CNAME',
        ttl: 60,
        values: ['elsewhere.example.com'],
      });
      const broken = await exportCommand([...args(), '--domain', DOMAIN, '--nameserver-address', '127.0.0.1']);
      await bind.stop();
      const brokenBind = await startBind({ zones: { [DOMAIN]: broken.stdout } });
      try {
        const failed = await verifyCommand([...args(), '--resolver', brokenBind.address, '--json']);
        expect(failed.exitCode).toBe(1);
        expect(
          JSON.parse(failed.stdout)
            .checks.filter((check: { ok: boolean }) => !check.ok)
            .map((check: { name: string }) => check.name),
        ).toEqual([`lkc-abc12-00aa.use2-az2.${DOMAIN}`]);
      } finally {
        await brokenBind.stop();
      }
    } finally {
      await bind.stop();
    }
  });

  it('names a missing or invalid configuration', async () => {
    await expect(planCommand(['--region', REGION])).rejects.toThrow(/--config is required/);
    await writeFile(config, '{"owner": "Bad Owner"}');
    await expect(planCommand(args())).rejects.toThrow(/owner: must be lowercase/);
  });
});
