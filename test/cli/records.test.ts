import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../functions/cli/main.ts';
import { recordsCommand } from '../../functions/cli/records.ts';

/**
 * Golden tests: the records of Confluent's own Terraform examples (PRODUCT.md §2), reproduced by `linkdns records`
 * from sample cloud CLI output in events/.
 */

/** The records of `records --json`, after checking the document's version. */
const run = async (...argv: string[]) => {
  const document = JSON.parse((await recordsCommand([...argv, '--json'])).stdout);
  expect(document.format_version).toBe(1);
  return document.records;
};
const AWS = 'events/aws/cli';
const AZURE = 'events/azure/cli';
const SVC = 'vpce-svc-01234567890abcdef.us-east-2.vpce.amazonaws.com';
const KAFKA_CLIENTS_VNET =
  '/subscriptions/8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04/resourcegroups/rg-confluent-network/providers/microsoft.network/virtualnetworks/vnet-kafka-clients';
const ANALYTICS_VNET =
  '/subscriptions/8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04/resourcegroups/rg-confluent-network/providers/microsoft.network/virtualnetworks/vnet-analytics';

describe('linkdns records (golden: Confluent Terraform examples)', () => {
  it('AWS dedicated, 3 AZs: *.<zone> → regional name, *.<az-id>.<zone> → zonal name of that AZ', async () => {
    const records = await run(
      '--domain',
      'pr1jy6.us-east-2.aws.confluent.cloud',
      '--aws-endpoints',
      `${AWS}/dedicated-3az.vpc-endpoints.json`,
      '--aws-subnets',
      `${AWS}/dedicated-3az.subnets.json`,
    );

    // The fixture's account maps us-east-2c → use2-az1, us-east-2a → use2-az2, us-east-2b → use2-az3.
    expect(records).toEqual([
      {
        name: '*.pr1jy6.us-east-2.aws.confluent.cloud',
        type: 'CNAME',
        ttl: 60,
        values: [`vpce-0f3e9d2c1b4a56789-k3qz8w1v.${SVC}`],
      },
      {
        name: '*.use2-az1.pr1jy6.us-east-2.aws.confluent.cloud',
        type: 'CNAME',
        ttl: 60,
        values: [`vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2c.${SVC}`],
      },
      {
        name: '*.use2-az2.pr1jy6.us-east-2.aws.confluent.cloud',
        type: 'CNAME',
        ttl: 60,
        values: [`vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2a.${SVC}`],
      },
      {
        name: '*.use2-az3.pr1jy6.us-east-2.aws.confluent.cloud',
        type: 'CNAME',
        ttl: 60,
        values: [`vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2b.${SVC}`],
      },
    ]);
  });

  it('AWS dedicated, single subnet: one *.<zone> → the zonal name, no regional record', async () => {
    const records = await run(
      '--domain',
      'pr1jy6.us-east-2.aws.confluent.cloud',
      '--aws-endpoints',
      `${AWS}/single-subnet.vpc-endpoints.json`,
      '--aws-subnets',
      `${AWS}/single-subnet.subnets.json`,
    );

    expect(records).toEqual([
      {
        name: '*.pr1jy6.us-east-2.aws.confluent.cloud',
        type: 'CNAME',
        ttl: 60,
        values: [`vpce-07c2e8a1f4b9d3065-m9x2p7rt-us-east-2b.${SVC}`],
      },
    ]);
  });

  it('Azure dedicated, 3 zones: * → all IPs, *.az<N> → the IP of the endpoint on zone N', async () => {
    const records = await run(
      '--domain',
      'p8xo76.centralus.azure.confluent.cloud',
      '--azure-endpoints',
      `${AZURE}/private-endpoints.json`,
      '--azure-nics',
      `${AZURE}/network-interfaces.json`,
      '--scope',
      KAFKA_CLIENTS_VNET,
    );

    expect(records).toEqual([
      { name: '*.az1.p8xo76.centralus.azure.confluent.cloud', type: 'A', ttl: 60, values: ['10.20.1.4'] },
      { name: '*.az2.p8xo76.centralus.azure.confluent.cloud', type: 'A', ttl: 60, values: ['10.20.1.5'] },
      { name: '*.az3.p8xo76.centralus.azure.confluent.cloud', type: 'A', ttl: 60, values: ['10.20.1.6'] },
      {
        name: '*.p8xo76.centralus.azure.confluent.cloud',
        type: 'A',
        ttl: 60,
        values: ['10.20.1.4', '10.20.1.5', '10.20.1.6'],
      },
    ]);
  });

  it('Azure attachment: * → the one endpoint IP, nothing zonal', async () => {
    const records = await run(
      '--domain',
      'centralus.azure.private.confluent.cloud',
      '--layout',
      'regional',
      '--azure-endpoints',
      `${AZURE}/private-endpoints.json`,
      '--azure-nics',
      `${AZURE}/network-interfaces.json`,
      '--scope',
      ANALYTICS_VNET,
    );

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ name: '*.centralus.azure.private.confluent.cloud', type: 'A', ttl: 60 });
    expect(records[0].values).toHaveLength(1);
  });

  it('GCP PSC, 3 zones: * → all PSC IPs, *.<gcp-zone> → that zone’s IP', async () => {
    const records = await run(
      '--domain',
      '6ky22p.us-central1.gcp.confluent.cloud',
      '--gcp-forwarding-rules',
      'events/gcp/cli/psc-3-zones.forwarding-rules.json',
    );

    expect(records).toEqual([
      {
        name: '*.6ky22p.us-central1.gcp.confluent.cloud',
        type: 'A',
        ttl: 60,
        values: ['10.2.0.11', '10.2.0.12', '10.2.0.13'],
      },
      { name: '*.us-central1-a.6ky22p.us-central1.gcp.confluent.cloud', type: 'A', ttl: 60, values: ['10.2.0.11'] },
      { name: '*.us-central1-b.6ky22p.us-central1.gcp.confluent.cloud', type: 'A', ttl: 60, values: ['10.2.0.12'] },
      { name: '*.us-central1-c.6ky22p.us-central1.gcp.confluent.cloud', type: 'A', ttl: 60, values: ['10.2.0.13'] },
    ]);
  });

  it('AWS PrivateLink attachment with the regional layout: * → regional name', async () => {
    const records = await run(
      '--domain',
      'us-east-1.aws.private.confluent.cloud',
      '--layout',
      'regional',
      '--aws-endpoints',
      `${AWS}/attachment.vpc-endpoints.json`,
      '--aws-subnets',
      `${AWS}/attachment.subnets.json`,
    );

    expect(records).toEqual([
      {
        name: '*.us-east-1.aws.private.confluent.cloud',
        type: 'CNAME',
        ttl: 60,
        values: ['vpce-0d41b7c9e2a3f8160-5xh0ynje.vpce-svc-0e9d8c7b6a5f43210.us-east-1.vpce.amazonaws.com'],
      },
    ]);
  });
});

/** The CLI in-process, with stdout and stderr captured: the same code path as the bin, without a process per case. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  try {
    return { code: await runCli(argv), stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('linkdns records (the installed bin)', () => {
  const bin = (...argv: string[]) =>
    promisify(execFile)(process.execPath, ['bin/linkdns.js', 'records', ...argv]).then(
      (result) => ({ code: 0, ...result }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('runs as a process and keeps stdout clean on bad input', async () => {
    const result = await bin('--domain', 'x.example.com', '--gcp-forwarding-rules', 'events/does-not-exist.json');

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^linkdns records: events\/does-not-exist\.json: cannot read \(ENOENT\)/);
  });

  it('prints a table by default', async () => {
    const result = await bin(
      '--domain',
      '6ky22p.us-central1.gcp.confluent.cloud',
      '--gcp-forwarding-rules',
      'events/gcp/cli/psc-3-zones.forwarding-rules.json',
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^NAME\s+TYPE\s+TTL\s+VALUE/);
    expect(result.stdout).toContain('*.us-central1-b.6ky22p.us-central1.gcp.confluent.cloud');
  });

  it.each([
    [
      ['--domain', 'x.example.com', '--gcp-forwarding-rules', 'events/does-not-exist.json'],
      /events\/does-not-exist\.json: cannot read \(ENOENT\)/,
    ],
    [
      ['--domain', 'x.example.com', '--gcp-forwarding-rules', 'package.json'],
      /package\.json: no endpoint to a service in it \(skipped: linkdns \(target none\)\)/,
    ],
    [
      ['--domain', 'x.example.com', '--aws-endpoints', 'events/aws/cli/dedicated-3az.vpc-endpoints.json'],
      /needs --aws-subnets/,
    ],
    [
      [
        '--domain',
        'x.example.com',
        '--aws-endpoints',
        'events/aws/cli/dedicated-3az.vpc-endpoints.json',
        '--aws-subnets',
        'events/aws/cli/attachment.subnets.json',
      ],
      /dedicated-3az\.vpc-endpoints\.json: VpcEndpoints\[0\].*DnsEntries\[\d\]\.DnsName .* availability zone/,
    ],
    [
      ['--domain', 'x.example.com', '--azure-endpoints', 'events/aws/cli/dedicated-3az.vpc-endpoints.json'],
      /dedicated-3az\.vpc-endpoints\.json: /,
    ],
    [['--gcp-forwarding-rules', 'events/gcp/cli/psc-3-zones.forwarding-rules.json'], /--domain is required/],
    [
      ['--domain', 'x.example.com', '--layout', 'diagonal', '--gcp-forwarding-rules', 'x.json'],
      /--layout must be zonal or regional/,
    ],
  ])('rejects bad input %# with a message naming it, exit 1 and nothing on stdout', async (argv, message) => {
    const result = await cli('records', ...argv);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});
