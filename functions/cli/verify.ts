import { parseArgs } from 'node:util';
import { InvalidInputError } from '../core/errors.ts';
import type { RecordSet } from '../core/model.ts';
import { CLOUD_OPTIONS } from './cloud.ts';
import type { CommandResult } from './command.ts';
import {
  checkNames,
  createResolver,
  expectationsFor,
  type NameCheck,
  type ResolverOptions,
  resolverAddress,
  sampleNames,
} from './dns-check.ts';
import { formatTable } from './format.ts';
import { jsonDocument } from './json-output.ts';
import { readRecordSetsFile } from './record-sets-file.ts';
import { VERIFY_USAGE } from './usage.ts';

export interface VerifyOptions extends ResolverOptions {
  /** Names to check besides the samples derived from the wildcards (e.g. a real bootstrap server name). */
  readonly names?: readonly string[];
  readonly json?: boolean;
  readonly signal?: AbortSignal;
}

/** The `--json` report of `linkdns verify`. */
export interface VerifyReport {
  readonly ok: boolean;
  /** The servers that were asked, as node:dns reports them. */
  readonly resolvers: readonly string[];
  readonly checks: readonly NameCheck[];
}

/**
 * Resolves sample names under every wildcard of `records` (plus `options.names`) and reports, per name, what the
 * records expect and what the resolver answered. Exit code 0 when every answer matches, 1 otherwise.
 * Separate from argument handling so every record source (a file, a live zone) shares it.
 *
 * What is checked: A/AAAA — the set of addresses equals the record's; CNAME — the CNAME chain from the name reaches
 * the record's target (or, from a resolver that flattens chains, the name's addresses equal the target's).
 *
 * @example
 * await verifyRecords(records, { server: '10.0.0.2' }) // { exitCode: 0, stdout: 'ok    lkc-abc12.pr1jy6… …' }
 */
export async function verifyRecords(
  records: readonly RecordSet[],
  options: VerifyOptions = {},
): Promise<CommandResult> {
  const names = [...new Set([...sampleNames(records), ...(options.names ?? [])])];
  if (names.length === 0) {
    throw new InvalidInputError('nothing to verify: the records hold no wildcard A, AAAA or CNAME record');
  }
  const expectations = expectationsFor(names, records);
  const resolver = createResolver(options);
  const checks = await checkNames(expectations, resolver, options.signal);
  const report: VerifyReport = { ok: checks.every((check) => check.ok), resolvers: resolver.getServers(), checks };
  return {
    exitCode: report.ok ? 0 : 1,
    stdout: options.json ? jsonDocument(report) : formatVerifyReport(report),
  };
}

/** `linkdns verify`: the records file checked against a resolver. */
export async function verifyCommand(argv: readonly string[]): Promise<CommandResult> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      records: { type: 'string' },
      ...CLOUD_OPTIONS,
      resolver: { type: 'string' },
      name: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      tries: { type: 'string' },
    },
    strict: true,
  });
  if (!values.records === !values.config) throw new InvalidInputError(`give --records or --config\n\n${VERIFY_USAGE}`);
  const options: VerifyOptions = {
    ...(values.resolver ? { server: resolverAddress(values.resolver) } : {}),
    ...(values.name ? { names: values.name } : {}),
    ...(values.timeout ? { timeoutMs: positiveInteger('--timeout', values.timeout) } : {}),
    ...(values.tries ? { tries: positiveInteger('--tries', values.tries) } : {}),
    json: values.json,
  };
  // The live path (core, configuration, a cloud) is imported only when used: `verify --records` stays offline and quick.
  const records = values.records
    ? await readRecordSetsFile(values.records)
    : await (await import('./live-records.ts')).liveDesiredRecords(values);
  return verifyRecords(records, options);
}

/** One line per name and type: status, name, type, expected, what came back. */
export function formatVerifyReport(report: VerifyReport): string {
  const rows = report.checks.map((check) => [
    check.ok ? 'ok' : 'FAIL',
    check.name,
    check.type,
    check.expected.join(', '),
    describeAnswer(check),
  ]);
  const failed = report.checks.filter((check) => !check.ok).length;
  const summary = failed
    ? `${failed} of ${report.checks.length} answers do not match the records.`
    : `All ${report.checks.length} answers match the records.`;
  return `Resolver: ${report.resolvers.join(', ') || 'system default'}\n${formatTable(['RESULT', 'NAME', 'TYPE', 'EXPECTED', 'GOT'], rows)}\n${summary}\n`;
}

function describeAnswer(check: NameCheck): string {
  const answer =
    check.type === 'CNAME' && check.matchedBy !== 'addresses' ? check.got.join(' → ') : check.got.join(', ');
  const note = check.matchedBy === 'addresses' && check.ok ? ' (no CNAME; same addresses as the target)' : '';
  if (check.error) return answer ? `${answer} (${check.error})` : check.error;
  return `${answer}${note}`;
}

function positiveInteger(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) throw new InvalidInputError(`${option} must be a positive whole number`);
  return value;
}
