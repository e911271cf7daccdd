import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import { type RecordSet, type RecordType, recordSet } from '../core/model.ts';
import { readInputJson } from './input-files.ts';
import { JSON_FORMAT_VERSION } from './json-output.ts';

const RECORD_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'TXT',
  'MX',
  'SRV',
  'NS',
  'SOA',
  'PTR',
  'CAA',
] as const satisfies readonly RecordType[];

const recordSetListSchema = z.array(
  z.object({
    name: z.string().min(1),
    type: z.enum(RECORD_TYPES),
    ttl: z.number().int().min(0).max(2_147_483_647),
    values: z.array(z.string()).min(1),
  }),
);

/**
 * Reads record sets as `linkdns records --json` prints them: `{ "format_version": 1, "records": [{ "name", "type",
 * "ttl", "values" }] }`, or just the list. Names and CNAME targets are canonicalised (lowercase, no trailing dot); every
 * problem is reported at once.
 */
export function parseRecordSets(json: unknown, source: string): RecordSet[] {
  const parsed = recordSetListSchema.safeParse(recordList(json, source));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  - ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
    );
    throw new InvalidInputError(
      `${source}: expected record sets as printed by \`linkdns records --json\`:\n${problems.join('\n')}`,
    );
  }
  return parsed.data.map((record) => recordSet(record.name, record.type, record.ttl, record.values));
}

/** The list of a versioned document (`records --json`), or the input itself (a bare list, or wrong either way). */
function recordList(json: unknown, source: string): unknown {
  if (!json || typeof json !== 'object' || Array.isArray(json) || !('records' in json)) return json;
  const version = (json as { format_version?: unknown }).format_version;
  if (typeof version !== 'number' || version > JSON_FORMAT_VERSION) {
    throw new InvalidInputError(
      `${source}: format_version ${JSON.stringify(version)} is not one this linkdns reads (1 to ${JSON_FORMAT_VERSION})`,
    );
  }
  return json.records;
}

/** {@link parseRecordSets} on a file, with errors naming the file. */
export async function readRecordSetsFile(file: string): Promise<RecordSet[]> {
  return parseRecordSets(await readInputJson(file), file);
}
