import { execFile } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NameCheck } from '../../functions/cli/dns-check.ts';
import { exportZone } from '../../functions/cli/export.ts';
import { recordsCommand } from '../../functions/cli/records.ts';
import { verifyCommand } from '../../functions/cli/verify.ts';
import { type RecordSet, recordSet } from '../../functions/core/model.ts';
import { type BindServer, startBind } from '../support/bind-server.ts';

/**
 * `linkdns records` → `linkdns export` → a real BIND 9 → `linkdns verify`: the records linkdns computes for the
 * AWS 3-AZ and Azure 3-zone samples resolve as intended under RFC 4592, and a broken zone makes verify fail.
 * One `named` serves every zone of this file.
 */

const AWS = 'pr1jy6.us-east-2.aws.confluent.cloud';
const AZURE = 'p8xo76.centralus.azure.confluent.cloud';
// Same samples under other (opaque) domains, served broken.
const AWS_BROKEN = 'b7kq2d.us-east-2.aws.confluent.cloud';
const AZURE_BROKEN = 'q3zr51.centralus.azure.confluent.cloud';
// A resolver that flattens CNAME chains, simulated: the zone holds the addresses the CNAME target has.
const FLAT = 'flat.linkdns.test';
const TXT = 'txt.linkdns.test';
const KAFKA_CLIENTS_VNET =
  '/subscriptions/8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04/resourcegroups/rg-confluent-network/providers/microsoft.network/virtualnetworks/vnet-kafka-clients';
const SVC = 'vpce-svc-01234567890abcdef.us-east-2.vpce.amazonaws.com';
const REGIONAL = `vpce-0f3e9d2c1b4a56789-k3qz8w1v.${SVC}`;
const ZONAL_AZ1 = `vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2c.${SVC}`;
const ZONAL_AZ2 = `vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2a.${SVC}`;

const awsRecords = (domain: string) =>
  computeRecords([
    '--domain',
    domain,
    '--aws-endpoints',
    'events/aws/cli/dedicated-3az.vpc-endpoints.json',
    '--aws-subnets',
    'events/aws/cli/dedicated-3az.subnets.json',
  ]);
const azureRecords = (domain: string) =>
  computeRecords([
    '--domain',
    domain,
    '--azure-endpoints',
    'events/azure/cli/private-endpoints.json',
    '--azure-nics',
    'events/azure/cli/network-interfaces.json',
    '--scope',
    KAFKA_CLIENTS_VNET,
  ]);

async function computeRecords(argv: string[]): Promise<RecordSet[]> {
  const json = (JSON.parse((await recordsCommand([...argv, '--json'])).stdout) as { records: RecordSet[] }).records;
  return json.map((record) => recordSet(record.name, record.type, record.ttl, record.values));
}

const zoneFile = (domain: string, records: readonly RecordSet[]) =>
  exportZone(domain, records, { nameserverAddress: '127.0.0.1' }).stdout;

/** Replaces or removes (values `[]`) the record set with that name. */
function edit(records: readonly RecordSet[], name: string, values: readonly string[]): RecordSet[] {
  return records.flatMap((record) =>
    record.name !== name ? [record] : values.length ? [{ ...record, values: [...values] }] : [],
  );
}

describe('linkdns verify against BIND 9', () => {
  let bind: BindServer;
  let directory: string;
  const files: Record<string, string> = {};

  const verify = async (domain: string, ...argv: string[]) => {
    const result = await verifyCommand(['--records', files[domain] ?? '', '--resolver', bind.address, ...argv]);
    return { ...result, checks: JSON.parse(result.stdout).checks as NameCheck[] };
  };
  const verifyText = (domain: string) => verifyCommand(['--records', files[domain] ?? '', '--resolver', bind.address]);
  /** An independent client: `dig +short` against the test server. */
  const dig = async (name: string, type: string) => {
    const args = ['@127.0.0.1', '-p', String(bind.port), '+short', '+norecurse', '+time=1', '+tries=1', name, type];
    const { stdout } = await promisify(execFile)('dig', args).catch((error: NodeJS.ErrnoException) => {
      throw new Error(
        error.code === 'ENOENT'
          ? '`dig` not found: apt-get install -y bind9-dnsutils (.ci/run installs it)'
          : `${error}`,
      );
    });
    return stdout.trim().split('\n').filter(Boolean).sort();
  };

  beforeAll(async () => {
    // Prepare: what linkdns computes, and what the DNS server is made to serve.
    const aws = await awsRecords(AWS);
    const azure = await azureRecords(AZURE);
    const awsBrokenExpected = await awsRecords(AWS_BROKEN);
    const azureBrokenExpected = await azureRecords(AZURE_BROKEN);
    const awsBrokenServed = edit(
      edit(awsBrokenExpected, `*.use2-az1.${AWS_BROKEN}`, [`vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2a.${SVC}`]),
      `*.use2-az3.${AWS_BROKEN}`,
      [],
    );
    const azureBrokenServed = edit(
      edit(azureBrokenExpected, `*.az2.${AZURE_BROKEN}`, ['10.20.1.99']),
      `*.${AZURE_BROKEN}`,
      ['10.20.1.4', '10.20.1.5'],
    );
    const flatExpected = [
      recordSet(`*.${FLAT}`, 'CNAME', 60, [`endpoint.${FLAT}`]),
      recordSet(`*.bad.${FLAT}`, 'CNAME', 60, [`endpoint.${FLAT}`]),
    ];
    const flatServed = [
      recordSet(`*.${FLAT}`, 'A', 60, ['10.9.9.9']),
      recordSet(`*.bad.${FLAT}`, 'A', 60, ['10.9.9.8']),
      recordSet(`endpoint.${FLAT}`, 'A', 60, ['10.9.9.9']),
    ];

    directory = await mkdtemp(join(tmpdir(), 'linkdns-verify-'));
    const expected: Record<string, RecordSet[]> = {
      [AWS]: aws,
      [AZURE]: azure,
      [AWS_BROKEN]: awsBrokenExpected,
      [AZURE_BROKEN]: azureBrokenExpected,
      [FLAT]: flatExpected,
    };
    for (const [domain, records] of Object.entries(expected)) {
      files[domain] = join(directory, `${domain}.json`);
      await writeFile(files[domain], JSON.stringify(records));
    }

    bind = await startBind({
      zones: {
        [AWS]: zoneFile(AWS, aws),
        [AZURE]: zoneFile(AZURE, azure),
        [AWS_BROKEN]: zoneFile(AWS_BROKEN, awsBrokenServed),
        [AZURE_BROKEN]: zoneFile(AZURE_BROKEN, azureBrokenServed),
        [FLAT]: zoneFile(FLAT, flatServed),
        [TXT]: zoneFile(TXT, [
          recordSet(`_linkdns.${TXT}`, 'TXT', 60, ['say "hi" \\o/ ; (not a comment)', 'x'.repeat(600)]),
        ]),
      },
    });
    process.stdout.write(`BIND 9 answered on ${bind.address} ${bind.startMillis} ms after spawn\n`);
  });

  afterAll(async () => {
    await bind?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('AWS 3 AZs: every sample name ends at its endpoint name; exit 0', async () => {
    // Act
    const result = await verify(AWS, '--json');

    // Assess
    expect(result.exitCode).toBe(0);
    expect(result.checks.map(({ name, record, got, ok, matchedBy }) => ({ name, record, got, ok, matchedBy }))).toEqual(
      [
        { name: `lkc-abc12.${AWS}`, record: `*.${AWS}`, got: [REGIONAL], ok: true, matchedBy: 'cname' },
        { name: `lkc-abc12-00aa.${AWS}`, record: `*.${AWS}`, got: [REGIONAL], ok: true, matchedBy: 'cname' },
        {
          name: `lkc-abc12-00aa.use2-az1.${AWS}`,
          record: `*.use2-az1.${AWS}`,
          got: [ZONAL_AZ1],
          ok: true,
          matchedBy: 'cname',
        },
        {
          name: `lkc-abc12-00aa.use2-az2.${AWS}`,
          record: `*.use2-az2.${AWS}`,
          got: [ZONAL_AZ2],
          ok: true,
          matchedBy: 'cname',
        },
        {
          name: `lkc-abc12-00aa.use2-az3.${AWS}`,
          record: `*.use2-az3.${AWS}`,
          got: [`vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2b.${SVC}`],
          ok: true,
          matchedBy: 'cname',
        },
      ],
    );
  });

  it('Azure 3 zones: * answers with all IPs, *.az<N> with zone N’s IP; exit 0', async () => {
    // Act
    const result = await verify(AZURE, '--json', '--name', `b2.az9.${AZURE}`);

    // Assess
    expect(result.exitCode).toBe(0);
    expect(result.checks.map(({ name, got, ok }) => ({ name, got, ok }))).toEqual([
      { name: `lkc-abc12.${AZURE}`, got: ['10.20.1.4', '10.20.1.5', '10.20.1.6'], ok: true },
      { name: `lkc-abc12-00aa.${AZURE}`, got: ['10.20.1.4', '10.20.1.5', '10.20.1.6'], ok: true },
      { name: `lkc-abc12-00aa.az1.${AZURE}`, got: ['10.20.1.4'], ok: true },
      { name: `lkc-abc12-00aa.az2.${AZURE}`, got: ['10.20.1.5'], ok: true },
      { name: `lkc-abc12-00aa.az3.${AZURE}`, got: ['10.20.1.6'], ok: true },
      { name: `b2.az9.${AZURE}`, got: ['10.20.1.4', '10.20.1.5', '10.20.1.6'], ok: true },
    ]);
  });

  it('RFC 4592, seen by dig: *.<zone> answers names directly under the zone, not under an existing zonal node', async () => {
    // Act
    const [zonal, regional, unknownZone, zonalNode, azureZonal] = await Promise.all([
      dig(`lkc-abc12-00aa.use2-az1.${AWS}`, 'CNAME'),
      dig(`lkc-abc12.${AWS}`, 'CNAME'),
      dig(`lkc-abc12-00aa.use2-az9.${AWS}`, 'CNAME'),
      dig(`use2-az1.${AWS}`, 'CNAME'),
      dig(`b0.az2.${AZURE}`, 'A'),
    ]);

    // Assess
    expect(zonal).toEqual([`${ZONAL_AZ1}.`]);
    expect(regional).toEqual([`${REGIONAL}.`]);
    expect(unknownZone).toEqual([`${REGIONAL}.`]);
    expect(zonalNode).toEqual([]); // an empty non-terminal: NODATA, not the regional wildcard
    expect(azureZonal).toEqual(['10.20.1.5']);
  });

  it('a broken AWS zone (one zonal record pointing elsewhere, one missing) fails on exactly those names; exit 1', async () => {
    // Act
    const result = await verify(AWS_BROKEN, '--json');

    // Assess
    expect(result.exitCode).toBe(1);
    expect(
      result.checks.filter((check) => !check.ok).map(({ name, expected, got }) => ({ name, expected, got })),
    ).toEqual([
      {
        name: `lkc-abc12-00aa.use2-az1.${AWS_BROKEN}`,
        expected: [ZONAL_AZ1],
        got: [ZONAL_AZ2],
      },
      {
        // With *.use2-az3 gone, use2-az3 no longer exists, so *.<zone> answers: the regional name.
        name: `lkc-abc12-00aa.use2-az3.${AWS_BROKEN}`,
        expected: [`vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2b.${SVC}`],
        got: [REGIONAL],
      },
    ]);
    expect(result.checks.filter((check) => check.ok)).toHaveLength(3);
  });

  it('a broken Azure zone (a wrong zonal IP, an IP missing from *) fails on those names, in the text report too', async () => {
    // Act
    const result = await verifyText(AZURE_BROKEN);

    // Assess
    expect(result.exitCode).toBe(1);
    const failing = result.stdout.split('\n').filter((line) => line.startsWith('FAIL'));
    expect(failing.map((line) => line.split(/\s+/).slice(1, 2)[0])).toEqual([
      `lkc-abc12.${AZURE_BROKEN}`,
      `lkc-abc12-00aa.${AZURE_BROKEN}`,
      `lkc-abc12-00aa.az2.${AZURE_BROKEN}`,
    ]);
    expect(failing[2]).toMatch(/A\s+10\.20\.1\.5\s+10\.20\.1\.99$/);
    expect(result.stdout).toMatch(/^3 of 5 answers do not match the records\.$/m);
  });

  it('a resolver that flattens CNAMEs: accepted when the name has the target’s addresses, refused otherwise', async () => {
    // Act
    const result = await verify(FLAT, '--json');

    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.checks.map(({ name, got, ok, matchedBy }) => ({ name, got, ok, matchedBy }))).toEqual([
      { name: `lkc-abc12.${FLAT}`, got: ['10.9.9.9'], ok: true, matchedBy: 'addresses' },
      { name: `lkc-abc12-00aa.${FLAT}`, got: ['10.9.9.9'], ok: true, matchedBy: 'addresses' },
      { name: `lkc-abc12-00aa.bad.${FLAT}`, got: ['10.9.9.8'], ok: false, matchedBy: 'addresses' },
    ]);
  });

  it('exported TXT values survive BIND byte for byte: escapes, and a 600-octet value split into 255-octet strings', async () => {
    // Prepare
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([bind.address]);

    // Act
    const answers = await resolver.resolveTxt(`_linkdns.${TXT}`);

    // Assess
    const byLength = answers.sort((a, b) => a.length - b.length);
    expect(byLength).toEqual([['say "hi" \\o/ ; (not a comment)'], ['x'.repeat(255), 'x'.repeat(255), 'x'.repeat(90)]]);
  });
});
