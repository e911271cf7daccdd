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

const KNOWN_TYPES: ReadonlySet<string> = new Set(RECORD_TYPES);
const MAX_TTL = 2_147_483_647;

/**
 * Reads record sets as `linkdns records --json` prints them: `{ "format_version": 1, "records": [{ "name", "type",
 * "ttl", "values" }] }`, or just the list. Names and CNAME targets are canonicalised (lowercase, no trailing dot); every
 * problem is reported at once, each with its path (`1.ttl`).
 *
 * Checked by hand rather than with zod: this is the one definition of the shape, and `export --records` and `verify
 * --records` parse it at start, where loading zod (~200 KB) was most of their start-up time.
 */
export function parseRecordSets(json: unknown, source: string): RecordSet[] {
  const list = recordList(json, source);
  const problems = Array.isArray(list)
    ? list.flatMap((record, index) => recordSetProblems(record, String(index)))
    : [`(root): expected an array of record sets, received ${describeValue(list)}`];
  if (problems.length > 0) {
    const lines = problems.map((problem) => `  - ${problem}`).join('\n');
    throw new InvalidInputError(`${source}: expected record sets as printed by \`linkdns records --json\`:\n${lines}`);
  }
  return (list as RecordSetJson[]).map((record) => recordSet(record.name, record.type, record.ttl, record.values));
}

interface RecordSetJson {
  readonly name: string;
  readonly type: RecordType;
  readonly ttl: number;
  readonly values: readonly string[];
}

/** What is wrong with one entry, as `path: problem` lines; none when it is a {@link RecordSetJson}. */
function recordSetProblems(record: unknown, path: string): string[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return [`${path}: expected an object, received ${describeValue(record)}`];
  }
  const { name, type, ttl, values } = record as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof name !== 'string' || name.length === 0) {
    problems.push(`${path}.name: expected a non-empty string, received ${describeValue(name)}`);
  }
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
    problems.push(`${path}.type: expected one of ${RECORD_TYPES.join(', ')}, received ${describeValue(type)}`);
  }
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) {
    problems.push(`${path}.ttl: expected an integer from 0 to ${MAX_TTL}, received ${describeValue(ttl)}`);
  }
  if (!Array.isArray(values) || values.length === 0) {
    problems.push(`${path}.values: expected a non-empty array of strings, received ${describeValue(values)}`);
  } else {
    values.forEach((value, index) => {
      if (typeof value !== 'string') {
        problems.push(`${path}.values.${index}: expected a string, received ${describeValue(value)}`);
      }
    });
  }
  return problems;
}

/** A JSON value, briefly, for a message: numbers, booleans, null and short strings as they are, the rest by kind. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : 'a long string';
  return 'an object';
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
