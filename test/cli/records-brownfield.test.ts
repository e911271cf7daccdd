import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordsCommand } from '../../functions/cli/records.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';

/** `linkdns records` on what people actually paste (issue 11): single objects, unrelated resources, other services. */

const run = async (...argv: string[]) => JSON.parse((await recordsCommand([...argv, '--json'])).stdout).records;
const names = (records: { name: string }[]) => records.map((record) => record.name).sort();
const AWS_DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const AZURE_DOMAIN = 'p8xo76.centralus.azure.confluent.cloud';
const GCP_DOMAIN = '6ky22p.us-central1.gcp.confluent.cloud';
const AWS_ZONAL = [
  `*.${AWS_DOMAIN}`,
  `*.use2-az1.${AWS_DOMAIN}`,
  `*.use2-az2.${AWS_DOMAIN}`,
  `*.use2-az3.${AWS_DOMAIN}`,
];

describe('AWS', () => {
  it('reads create-vpc-endpoint output ({ VpcEndpoint }) with describe-availability-zones output as the AZ map', async () => {
    const records = await run(
      '--domain',
      AWS_DOMAIN,
      '--aws-endpoints',
      'events/aws/cli/create-vpc-endpoint.confluent.json',
      '--aws-azs',
      'events/aws/cli/describe-availability-zones.json',
    );

    expect(names(records)).toEqual(AWS_ZONAL.sort());
  });

  it('skips Gateway and GWLB endpoints and refuses to merge the S3 and ELB endpoints with Confluent, naming them', async () => {
    const argv = [
      '--domain',
      AWS_DOMAIN,
      '--aws-endpoints',
      'events/aws/cli/brownfield.vpc-endpoints.json',
      '--aws-subnets',
      'events/aws/cli/dedicated-3az.subnets.json',
    ];

    await expect(recordsCommand(argv)).rejects.toThrow(
      /3 different services.*com\.amazonaws\.us-east-2\.s3 \(vpce-1a2b3c4d5e6f1a2b3\).*elasticloadbalancing.*--service/,
    );
    const picked = await recordsCommand([...argv, '--service', '*vpce-svc-01234567890abcdef', '--json']);
    expect(names(JSON.parse(picked.stdout).records)).toEqual(AWS_ZONAL.sort());
    expect(picked.stderr).toContain('vpce-032a826a (Gateway com.amazonaws.us-east-2.dynamodb)');
    expect(picked.stderr).toContain('GatewayLoadBalancer');
  });
});

describe('Azure', () => {
  it('reads az network private-endpoint show output (one object)', async () => {
    const records = await run(
      '--domain',
      AZURE_DOMAIN,
      '--azure-endpoints',
      'events/azure/cli/private-endpoint-show.json',
      '--azure-nics',
      'events/azure/cli/network-interfaces.json',
    );

    expect(names(records)).toEqual([`*.${AZURE_DOMAIN}`, `*.az1.${AZURE_DOMAIN}`].sort());
    expect(records.map((record: { values: string[] }) => record.values.length)).toEqual([1, 1]);
  });

  it('no longer puts a storage or Key Vault IP into *: refuses, naming them, until --service picks Confluent', async () => {
    const argv = [
      '--domain',
      AZURE_DOMAIN,
      '--azure-endpoints',
      'events/azure/cli/brownfield.private-endpoints.json',
      '--azure-nics',
      'events/azure/cli/network-interfaces.json',
    ];

    await expect(recordsCommand(argv)).rejects.toThrow(/4 different services.*storageAccounts\/stdatalake.*--service/);
    const records = await run(...argv, '--service', 's-nk99e-privatelink-*');
    expect(records.find((record: { name: string }) => record.name === `*.${AZURE_DOMAIN}`)?.values).toEqual([
      '10.20.1.4',
      '10.20.1.5',
      '10.20.1.6',
    ]);
  });

  it('reads an ARM GET (properties nested) and refuses an address that is no IP instead of dropping it', async () => {
    const [endpoint] = (
      JSON.parse(
        await (await import('node:fs/promises')).readFile('events/azure/cli/paas-private-endpoints.arm.json', 'utf8'),
      ) as { value: Record<string, { customDnsConfigs: { ipAddresses: string[] }[] }>[] }
    ).value;
    const file = join(tmpdir(), `linkdns-arm-get-${process.pid}.json`);
    await writeFile(file, JSON.stringify(endpoint));
    expect(
      await run('--domain', 'blob.internal.example.com', '--layout', 'regional', '--azure-endpoints', file),
    ).toEqual([{ name: '*.blob.internal.example.com', type: 'A', ttl: 60, values: ['10.1.0.20'] }]);

    const broken = structuredClone(endpoint) as { properties: { customDnsConfigs: { ipAddresses: string[] }[] } };
    broken.properties.customDnsConfigs[0] = { ipAddresses: ['10.1.0.300'] };
    await writeFile(file, JSON.stringify(broken));
    await expect(recordsCommand(['--domain', 'blob.internal.example.com', '--azure-endpoints', file])).rejects.toThrow(
      /10\.1\.0\.300 is not an IP address/,
    );
  });
});

describe('GCP', () => {
  it('reads gcloud compute forwarding-rules describe output (one object)', async () => {
    const records = await run(
      '--domain',
      GCP_DOMAIN,
      '--gcp-forwarding-rules',
      'events/gcp/cli/forwarding-rule-describe.json',
    );

    expect(names(records)).toEqual([`*.${GCP_DOMAIN}`, `*.us-central1-b.${GCP_DOMAIN}`]);
  });

  it('skips load balancers and Google-APIs PSC, and refuses another producer until --service picks', async () => {
    const argv = ['--domain', GCP_DOMAIN, '--gcp-forwarding-rules', 'events/gcp/cli/brownfield.forwarding-rules.json'];

    await expect(recordsCommand(argv)).rejects.toThrow(/2 different services.*sa-us-central1-6a1b2c3d/);
    const picked = await recordsCommand([...argv, '--service', '*/serviceAttachments/s-6ky22p-*', '--json']);
    expect(JSON.parse(picked.stdout).records).toHaveLength(4);
    expect(picked.stderr).toContain('web-ilb (target');
    expect(picked.stderr).toContain('psctest1 (target all-apis)');
  });
});

describe('--domain', () => {
  it.each([['foo bar.example.com'], ['*.x'], ['localhost'], ['bücher.example.com'], ['bad-.example.com']])(
    'refuses %s',
    async (domain) => {
      await expect(
        recordsCommand([
          '--domain',
          domain,
          '--gcp-forwarding-rules',
          'events/gcp/cli/psc-3-zones.forwarding-rules.json',
        ]),
      ).rejects.toThrow(InvalidInputError);
    },
  );

  it('accepts punycode and a trailing dot', async () => {
    const records = await run(
      '--domain',
      'xn--bcher-kva.example.com.',
      '--gcp-forwarding-rules',
      'events/gcp/cli/psc-3-zones.forwarding-rules.json',
    );
    expect(names(records)).toContain('*.xn--bcher-kva.example.com');
  });
});
