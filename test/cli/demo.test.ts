import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../functions/cli/demo.ts';
import { PLAIN } from '../../functions/cli/plan-output.ts';
import { aRecords, putRecordSet } from '../../local/azure/seed.ts';
import { azureZoneId } from '../../local/demo-scenario.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface DemoProcess {
  code: number;
  stdout: string;
  stderr: string;
  /** The child's event loop at exit (test/support/event-loop-report.ts); undefined when it did not exit by itself. */
  eventLoop?: { idleMs: number; activeMs: number };
}

async function runDemoProcess(): Promise<DemoProcess> {
  const reportFile = join(mkdtempSync(join(tmpdir(), 'linkdns-demo-')), 'event-loop.json');
  const eventLoop = () =>
    existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as DemoProcess['eventLoop']) : undefined;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--import', './test/support/event-loop-report.ts', 'functions/cli/demo.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', LINKDNS_TEST_EVENT_LOOP_FILE: reportFile },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr, eventLoop: eventLoop() };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: failed.code ?? -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
      eventLoop: eventLoop(),
    };
  }
}

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    options: { write: (text: string) => out.push(text), writeError: (text: string) => err.push(text), palette: PLAIN },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('npm start (the demo)', () => {
  it('does the whole job on the local clouds and exits 0 without waiting on any timer', async () => {
    // Act
    const result = await runDemoProcess();

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Quick because it never waits: no Route 53 rate limit (5 requests/s by default, 22 calls), no Cloud DNS poll
    // interval (1 s by default), no backoff. Shown by the time its event loop sat idle, just below the one shortest
    // wait it skips (one default Cloud DNS poll), rather than by wall time, which CPU load stretches (a 30 s bound
    // failed at load 12: 35.7 s, nearly all of it transpiling and loading modules). Its speed is the figure it prints.
    expect(result.eventLoop?.idleMs).toBeLessThan(900);
    const out = result.stdout;
    // the plan, then the records created by the handler
    expect(out).toContain('5 to create');
    expect(out).toContain('✓ plan: 4 wildcard records and the ownership registry to create; nothing written');
    expect(out).toMatch(
      /\+ \*\.use2-az1\.pr1jy6\.us-east-2\.aws\.confluent\.cloud CNAME 60 vpce-[0-9a-f]{17}-\w+-us-east-2c\./,
    );
    expect(out).toContain('✓ the zone holds exactly the records derived from the endpoint’s DnsEntries');
    expect(out).toContain('$ORIGIN pr1jy6.us-east-2.aws.confluent.cloud.');
    // the signed webhooks
    expect(out).toMatch(/webhook-id msg_[0-9a-f]{32} {2}"linkdns: DNS records created in pr1jy6/);
    expect(out.match(/✓ signature verified \(standardwebhooks\)/g)).toHaveLength(7);
    expect(out).toContain('✓ the same body altered in transit is refused');
    // tamper → repair, lost event → scheduled repair, delete → cleanup
    expect(out).toContain('~ *.use2-az1.pr1jy6.us-east-2.aws.confluent.cloud CNAME 60 typo.example.com → 60 vpce-');
    expect(out).toContain('✓ repaired: *.use2-az1 points at the endpoint’s use2-az1 name again');
    expect(out).toContain('✓ the scheduled run recreated *.use2-az3');
    expect(out).toContain('✓ cleaned up: the private zone holds only its SOA and NS again');
    expect(out).toContain('✓ the same-named public zone');
    // Confluent Cloud discovery: no mapping typed anywhere
    expect(out).toContain('8 mapping(s) from env-lnk7dns; 2 Confluent Cloud API call(s)');
    expect(out).toContain('skipped n-w9q3e1 (env-lnk7dns): phase PROVISIONING: contributes once READY');
    expect(out).toContain('✓ the cross-check reports *.us-central1-b');
    // Azure
    expect(out).toContain('A *       10.20.1.4, 10.20.1.5, 10.20.1.6');
    expect(out).toContain('A *.az1   10.20.1.4');
    expect(out).toContain('A *.az3   10.20.1.6');
    // Google PSC: the insert event writes the whole domain; the delete removes one rule's IP and zonal record
    const gcpStep = out.slice(out.indexOf('▸ 11. Google PSC'));
    expect(gcpStep).toContain('+ *.6ky22p.us-central1.gcp.confluent.cloud A 60 10.2.0.11,10.2.0.12,10.2.0.13');
    expect(gcpStep).toContain('A *.us-central1-b    10.2.0.12');
    expect(gcpStep).toContain('✓ * with all three PSC IPs, *.us-central1-a..c with one each');
    expect(gcpStep).toContain(
      '~ *.6ky22p.us-central1.gcp.confluent.cloud A 60 10.2.0.11,10.2.0.12,10.2.0.13 → 60 10.2.0.11,10.2.0.13',
    );
    expect(gcpStep).toContain('- *.us-central1-b.6ky22p.us-central1.gcp.confluent.cloud A 60 10.2.0.12');
    expect(gcpStep).toContain('✓ 10.2.0.12 left *, *.us-central1-b is gone, the other two zonal records stay');
    expect(gcpStep).toContain('✓ the same-named public zone (public-6ky22p) was never touched');
    expect(gcpStep).toContain('it reports the zone as updated');
    expect(out).toMatch(
      /✓ demo passed: 33 checks in \d+(\.\d)? (ms|s) \(AWS steps .*, Azure step .*, Google step .*\); API calls: local AWS \d+ \(Route 53 \d+, EC2 \d+\), local Azure \d+, local Google \d+ \(Cloud DNS \d+, Compute \d+\), local Confluent 6 \(one discovery per function instance\); webhooks: 7 received, all verified\n$/,
    );
    // the brownfield: other teams' and Azure-managed zones as seeded
    expect(out).toContain(
      '✓ Azure: privatelink.blob.core.windows.net, privatelink.vaultcore.azure.net, privatelink.database.windows.net exactly as seeded',
    );
    expect(out).toMatch(/✓ AWS: .*corp\.internal .* exactly as seeded; no write request named them/);
    expect(out).toContain('✓ Google: corp-internal, public-6ky22p exactly as seeded; no write request named them');
    expect(out).not.toContain('✗');
  }, 60_000); // a child process on a shared machine: the child's own 60 s limit, not vitest's default 20 s

  it('exits 1 with the failed check, and no success line, when Route 53 refuses the writes', async () => {
    // Prepare
    const io = captured();

    // Act
    const code = await runDemo({
      ...io.options,
      onCloudsStarted: ({ aws }) =>
        aws.aws.faults.add({ operation: 'ChangeResourceRecordSets', code: 'AccessDenied', status: 403 }),
    });

    // Assess
    expect(code).toBe(1);
    expect(io.stderr()).toContain('✗ demo failed: the create event: linkdns reports zone pr1jy6');
    expect(io.stderr()).toContain('AccessDenied');
    expect(io.stdout()).toContain('✓ plan: 4 wildcard records');
    expect(io.stdout()).not.toContain('✓ the zone holds exactly');
    expect(io.stdout()).not.toContain('demo passed');
  });

  it('exits 1 when only the Azure part goes wrong, after the AWS part passed', async () => {
    // Prepare
    const io = captured();

    // Act
    const code = await runDemo({
      ...io.options,
      onCloudsStarted: ({ azure }) =>
        azure.azure.faults.add({
          operation: 'recordSets.createOrUpdate',
          status: 403,
          code: 'AuthorizationFailed',
          times: 100,
        }),
    });

    // Assess
    expect(code).toBe(1);
    expect(io.stdout()).toContain('✓ cleaned up: the private zone holds only its SOA and NS again');
    expect(io.stdout()).not.toContain('✓ created the zone');
    expect(io.stdout()).not.toContain('demo passed');
    expect(io.stderr()).toContain('✗ demo failed: the Event Grid event: linkdns reports zone p8xo76');
    expect(io.stderr()).toContain('403 AuthorizationFailed');
  });

  it('exits 1 when only the Google part goes wrong, after the Azure step passed', async () => {
    // Prepare
    const io = captured();

    // Act
    const code = await runDemo({
      ...io.options,
      onCloudsStarted: ({ gcp }) =>
        gcp.gcp.faults.add({ operation: 'changes.create', status: 403, reason: 'forbidden', times: 100 }),
    });

    // Assess
    expect(code).toBe(1);
    expect(io.stdout()).toContain('✓ created the zone, * with all three IPs and *.az1..3');
    expect(io.stdout()).not.toContain('✓ * with all three PSC IPs');
    expect(io.stdout()).not.toContain('demo passed');
    expect(io.stderr()).toContain('✗ demo failed: the forwarding-rule insert event: linkdns reports zone 6ky22p');
  });

  it('exits 1 naming the zone when an Azure-managed privatelink zone is not as seeded at the end', async () => {
    // Prepare
    const io = captured();

    // Act: someone else's record lands in privatelink.blob.core.windows.net after the demo looked at it.
    const code = await runDemo({
      ...io.options,
      onCloudsStarted: ({ azure }) =>
        putRecordSet(
          azure.azure.state,
          azureZoneId('privatelink.blob.core.windows.net'),
          'A',
          'intruder',
          aRecords(['10.20.1.66'], 10),
        ),
    });

    // Assess
    expect(code).toBe(1);
    expect(io.stdout()).toContain('✓ AWS: ');
    expect(io.stdout()).not.toContain('demo passed');
    expect(io.stderr()).toContain(
      '✗ demo failed: step 12: Azure: privatelink.blob.core.windows.net: its records or settings changed',
    );
  });
});
