import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JSON_FORMAT_VERSION } from '../../functions/cli/json-output.ts';
import { parseRecordSets } from '../../functions/cli/record-sets-file.ts';
import { parseConfig } from '../../functions/core/config.ts';
import { isLinkdnsError } from '../../functions/core/errors.ts';
import { configJsonSchema } from '../../scripts/build.ts';

const RECORD = { name: '*.example.com', type: 'CNAME', ttl: 60, values: ['vpce-1.example.net'] };

describe('--json documents', () => {
  it('reads the versioned records document and a bare list alike', () => {
    const versioned = parseRecordSets({ format_version: JSON_FORMAT_VERSION, records: [RECORD] }, 'records.json');
    const bare = parseRecordSets([RECORD], 'records.json');

    expect(versioned).toEqual(bare);
    expect(versioned).toHaveLength(1);
  });

  it.each([
    ['a document that is not a list', { records: 'none', format_version: 1 }, /\(root\): expected an array/],
    ['an entry that is not an object', [RECORD, 'A 10.0.0.1'], /- 1: expected an object, received "A 10\.0\.0\.1"/],
    ['an empty name', [{ ...RECORD, name: '' }], /- 0\.name: expected a non-empty string/],
    ['an unknown type', [{ ...RECORD, type: 'ALIAS' }], /- 0\.type: expected one of A, AAAA, .*received "ALIAS"/],
    [
      'a fractional TTL',
      [{ ...RECORD, ttl: 1.5 }],
      /- 0\.ttl: expected an integer from 0 to 2147483647, received 1\.5/,
    ],
    ['a TTL above 2^31-1', [{ ...RECORD, ttl: 2 ** 31 }], /- 0\.ttl: expected an integer/],
    [
      'a value that is not a string',
      [{ ...RECORD, values: ['a', 7] }],
      /- 0\.values\.1: expected a string, received 7/,
    ],
  ])('refuses %s, naming the file and the field', (_case, json, message) => {
    const read = () => parseRecordSets(json, 'records.json');

    expect(read).toThrow(/^records\.json: expected record sets as printed by `linkdns records --json`:\n/);
    expect(read).toThrow(message);
  });

  it('refuses a document from a newer linkdns, naming the file and the version', () => {
    const read = () => parseRecordSets({ format_version: JSON_FORMAT_VERSION + 1, records: [RECORD] }, 'new.json');

    expect(read).toThrow(`new.json: format_version ${JSON_FORMAT_VERSION + 1} is not one this linkdns reads`);
    try {
      read();
    } catch (error) {
      expect(isLinkdnsError(error)).toBe(true);
    }
  });
});

describe('the configuration JSON Schema', () => {
  const schema = configJsonSchema() as {
    properties: Record<string, unknown>;
    required: string[];
    additionalProperties: boolean;
  };

  it('is generated from the zod schema: every key, strict, with $schema allowed', () => {
    expect(schema.required).toEqual(['owner']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['$schema', 'owner', 'policy', 'mappings', 'layouts', 'notifications', 'zones']),
    );
  });

  it('describes the example configuration, which parses with a $schema key', () => {
    const example = JSON.parse(readFileSync('infra/config/linkdns.example.json', 'utf8')) as Record<string, unknown>;
    const withSchema = { $schema: './node_modules/linkdns/dist/linkdns-config.schema.json', ...example };

    for (const key of Object.keys(withSchema)) expect(schema.properties).toHaveProperty([key]);
    expect(parseConfig(withSchema).owner).toBe(example.owner);
    expect(() => parseConfig({ ...example, $schmea: 'typo' })).toThrow(/\$schmea|Unrecognized key/);
  });
});
