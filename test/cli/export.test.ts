import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand, exportZone } from '../../functions/cli/export.ts';
import { recordsCommand } from '../../functions/cli/records.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { recordSet } from '../../functions/core/model.ts';

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const SVC = 'vpce-svc-01234567890abcdef.us-east-2.vpce.amazonaws.com';

describe('linkdns export', () => {
  let directory: string;
  let awsRecords: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'linkdns-export-'));
    awsRecords = join(directory, 'aws.json');
    const records = await recordsCommand([
      '--domain',
      DOMAIN,
      '--aws-endpoints',
      'events/aws/cli/dedicated-3az.vpc-endpoints.json',
      '--aws-subnets',
      'events/aws/cli/dedicated-3az.subnets.json',
      '--json',
    ]);
    await writeFile(awsRecords, records.stdout);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('prints the records of `linkdns records --json` as a zone file and warns about the placeholder on stderr', async () => {
    // Act
    const result = await exportCommand(['--domain', DOMAIN, '--records', awsRecords]);

    // Assess
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/placeholder name server ns\.pr1jy6\.us-east-2\.aws\.confluent\.cloud\./);
    expect(result.stdout.split('\n').slice(2)).toEqual([
      `$ORIGIN ${DOMAIN}.`,
      '$TTL 60',
      `@           60  IN  SOA    ns.${DOMAIN}. hostmaster.${DOMAIN}. 1 3600 600 604800 60`,
      `@           60  IN  NS     ns.${DOMAIN}.`,
      `*           60  IN  CNAME  vpce-0f3e9d2c1b4a56789-k3qz8w1v.${SVC}.`,
      `*.use2-az1  60  IN  CNAME  vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2c.${SVC}.`,
      `*.use2-az2  60  IN  CNAME  vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2a.${SVC}.`,
      `*.use2-az3  60  IN  CNAME  vpce-0f3e9d2c1b4a56789-k3qz8w1v-us-east-2b.${SVC}.`,
      '',
    ]);
  });

  it('takes the name server, its address, the serial and $TTL from options', async () => {
    // Act
    const result = await exportCommand([
      '--domain',
      DOMAIN.toUpperCase(),
      '--records',
      awsRecords,
      '--nameserver',
      `dns1.${DOMAIN}`,
      '--nameserver-address',
      '10.0.0.2',
      '--serial',
      '2026112601',
      '--ttl',
      '300',
    ]);

    // Assess
    expect(result.stdout).toContain('$TTL 300\n');
    expect(result.stdout).toMatch(new RegExp(`SOA\\s+dns1\\.${DOMAIN}\\. hostmaster\\.${DOMAIN}\\. 2026112601 `));
    expect(result.stdout).toMatch(/^dns1\s+300\s+IN\s+A\s+10\.0\.0\.2$/m);
  });

  it('exportZone gives the same output for records from any source, and no warning when SOA/NS exist', () => {
    // Prepare
    const records = [
      recordSet(DOMAIN, 'SOA', 900, [`ns-1.awsdns-1.com. hostmaster.${DOMAIN}. 1 7200 900 1209600 86400`]),
      recordSet(DOMAIN, 'NS', 900, ['ns-1.awsdns-1.com.']),
      recordSet(`*.${DOMAIN}`, 'CNAME', 60, [`vpce-1.${SVC}`]),
    ];

    // Act
    const result = exportZone(DOMAIN, records);

    // Assess
    expect(result.stderr).toBeUndefined();
    expect(result.stdout).toMatch(/^\*\s+60\s+IN\s+CNAME\s+vpce-1\./m);
  });

  it.each([
    ['no --domain', ['--records', 'x.json'], /--domain and one of --records or --config are required/],
    ['an unreadable file', ['--domain', DOMAIN, '--records', 'events/none.json'], /events\/none\.json: cannot read/],
    ['a file that is not JSON', ['--domain', DOMAIN, '--records', 'README.md'], /README\.md: not valid JSON/],
    ['a bad --nameserver-address', ['--domain', DOMAIN, '--records', 'x.json', '--nameserver-address', 'ns1'], /IP/],
    ['a bad --serial', ['--domain', DOMAIN, '--records', 'x.json', '--serial', 'soon'], /--serial must be/],
  ])('rejects %s with a message naming it', async (_scenario, argv, message) => {
    await expect(exportCommand(argv)).rejects.toThrow(message);
  });

  it('lists every problem of a malformed records file at once', async () => {
    // Prepare
    const file = join(directory, 'bad.json');
    await writeFile(file, JSON.stringify([{ name: '*.x.com', type: 'CNAME', ttl: -1, values: [] }, { name: 'y' }]));

    // Act
    const act = exportCommand(['--domain', 'x.com', '--records', file]);

    // Assess
    await expect(act).rejects.toThrow(InvalidInputError);
    await expect(act).rejects.toThrow(/0\.ttl: .*\n.*0\.values: .*\n.*1\.type: .*\n.*1\.ttl: .*\n.*1\.values/);
  });

  it('refuses records of another domain instead of writing a zone that would not load', async () => {
    await expect(exportCommand(['--domain', 'other.example.com', '--records', awsRecords])).rejects.toThrow(
      /outside other\.example\.com/,
    );
  });
});
