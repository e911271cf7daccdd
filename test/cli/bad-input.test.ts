import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../functions/cli/main.ts';

/**
 * Issue 12, finding 10 for the CLI: `linkdns records` reads JSON files people wrote or edited. Whatever is in them, the
 * CLI answers with a clear error naming the file and the entry, exit code 1, and never a stack trace. Every sample
 * below is a real fixture with one entry broken.
 */

const dir = mkdtempSync(join(tmpdir(), 'linkdns-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const AWS_ENDPOINTS = fixture('events/aws/cli/dedicated-3az.vpc-endpoints.json') as { VpcEndpoints: unknown[] };
const AWS_SUBNETS = fixture('events/aws/cli/dedicated-3az.subnets.json') as { Subnets: unknown[] };
const GCP_RULES = JSON.parse(readFileSync('events/gcp/cli/psc-3-zones.forwarding-rules.json', 'utf8')) as unknown[];
const AZURE_ENDPOINTS = JSON.parse(readFileSync('events/azure/cli/private-endpoints.json', 'utf8')) as unknown[];

/** Values a hand-edited or truncated file may hold where an object or a string belongs. */
const JUNK: readonly unknown[] = [null, 0, 7.5, true, '', 'text', [], [null], {}, { nested: { deeper: [null] } }];

/** The first entry of `list` with `field` replaced by each junk value, and the entry itself replaced by each. */
function brokenEntries(list: readonly unknown[], fields: readonly string[]): unknown[][] {
  const [first, ...rest] = list as Record<string, unknown>[];
  const variants: unknown[][] = JUNK.map((junk) => [junk, ...rest]);
  for (const field of fields) {
    for (const junk of JUNK) variants.push([{ ...first, [field]: junk }, ...rest]);
  }
  return variants;
}

let files = 0;
function write(value: unknown): string {
  files += 1;
  const path = join(dir, `input-${files}.json`);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

interface Case {
  readonly name: string;
  readonly argv: string[];
}

const DOMAIN = ['--domain', 'pr1jy6.us-east-2.aws.confluent.cloud'];
const cases: Case[] = [
  ...brokenEntries(AWS_ENDPOINTS.VpcEndpoints, [
    'VpcEndpointId',
    'State',
    'DnsEntries',
    'VpcId',
    'ServiceName',
    'Tags',
  ]).map((entries, index) => ({
    name: `AWS endpoints #${index}`,
    argv: [
      ...DOMAIN,
      '--aws-endpoints',
      write({ VpcEndpoints: entries }),
      '--aws-subnets',
      'events/aws/cli/dedicated-3az.subnets.json',
    ],
  })),
  ...brokenEntries(AWS_SUBNETS.Subnets, ['AvailabilityZone', 'AvailabilityZoneId']).map((entries, index) => ({
    name: `AWS subnets #${index}`,
    argv: [
      ...DOMAIN,
      '--aws-endpoints',
      'events/aws/cli/dedicated-3az.vpc-endpoints.json',
      '--aws-subnets',
      write({ Subnets: entries }),
    ],
  })),
  ...brokenEntries(GCP_RULES, ['name', 'IPAddress', 'target', 'network', 'selfLink', 'labels']).map(
    (entries, index) => ({
      name: `Google forwarding rules #${index}`,
      argv: [...DOMAIN, '--gcp-forwarding-rules', write(entries)],
    }),
  ),
  ...brokenEntries(AZURE_ENDPOINTS, ['id', 'name', 'privateLinkServiceConnections', 'customDnsConfigs', 'subnet']).map(
    (entries, index) => ({
      name: `Azure private endpoints #${index}`,
      argv: [...DOMAIN, '--azure-endpoints', write(entries)],
    }),
  ),
  ...JUNK.map((junk, index) => ({
    name: `a whole file of junk #${index}`,
    argv: [...DOMAIN, '--gcp-forwarding-rules', write(junk)],
  })),
];

async function runQuietly(argv: readonly string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  try {
    return { code: await runCli(['records', ...argv]), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('linkdns records with broken input files', () => {
  it(`answers ${cases.length} broken inputs with a clear error or a result, never a stack trace`, async () => {
    // Act
    const outcomes = [];
    for (const { name, argv } of cases) outcomes.push({ name, ...(await runQuietly(argv)) });

    // Assess: no crash (stack trace, "unexpected error"); every refusal names what is wrong
    const crashes = outcomes.filter(({ stderr }) => /\n\s+at |unexpected error|TypeError|RangeError/.test(stderr));
    expect(crashes.map(({ name, stderr }) => `${name}: ${stderr.slice(0, 300)}`)).toEqual([]);
    const refused = outcomes.filter(({ code }) => code !== 0);
    for (const { name, stderr } of refused) {
      expect(stderr, name).toMatch(/^linkdns records: \S.*\n$/s);
    }
    // Most junk is refused; some is harmless (an empty label map, a missing optional selfLink).
    expect(refused.length).toBeGreaterThan(cases.length / 2);
    console.info(
      `bad inputs tried: ${cases.length}; clear errors: ${refused.length}; accepted as harmless: ${cases.length - refused.length}; crashes: ${crashes.length}`,
    );
  });

  it('prints the reason, not a stack trace, for a null entry in a records input', async () => {
    // Act
    const result = await runQuietly([...DOMAIN, '--gcp-forwarding-rules', write([null])]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^linkdns records: .*input-\d+\.json: \[0\]: expected a forwarding rule object, found null\n$/,
    );
  });
});
