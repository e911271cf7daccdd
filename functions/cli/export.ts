import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { InvalidInputError } from '../core/errors.ts';
import { canonicalName, type RecordSet } from '../core/model.ts';
import { CLOUD_OPTIONS } from './cloud.ts';
import type { CommandResult } from './command.ts';
import { readRecordSetsFile } from './record-sets-file.ts';
import { EXPORT_USAGE } from './usage.ts';
import { formatZoneFile, type ZoneFileOptions } from './zone-file.ts';

/**
 * Prints a domain's records as a BIND zone file on stdout; when SOA/NS had to be invented, says so on stderr.
 * Separate from argument handling so every record source (a file, a live zone) shares it.
 *
 * @example
 * exportZone('pr1jy6.us-east-2.aws.confluent.cloud', records).stdout // "; Zone pr1jy6…\n$ORIGIN pr1jy6….\n…"
 */
export function exportZone(
  domain: string,
  records: readonly RecordSet[],
  options: ZoneFileOptions = {},
): CommandResult {
  const zone = formatZoneFile(domain, records, options);
  const placeholder = canonicalName(options.nameserver ?? `ns.${canonicalName(domain)}`);
  const stderr = zone.synthesised.includes('NS')
    ? `linkdns export: no SOA/NS in the records; wrote the placeholder name server ${placeholder}. — replace it before serving the zone\n`
    : undefined;
  return { exitCode: 0, stdout: zone.text, ...(stderr ? { stderr } : {}) };
}

/** `linkdns export`: the records file rendered as a zone file. Reads no cloud. */
export async function exportCommand(argv: readonly string[]): Promise<CommandResult> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      domain: { type: 'string' },
      records: { type: 'string' },
      ...CLOUD_OPTIONS,
      'zone-id': { type: 'string' },
      nameserver: { type: 'string' },
      'nameserver-address': { type: 'string' },
      serial: { type: 'string' },
      ttl: { type: 'string' },
    },
    strict: true,
  });
  if (!values.domain || !values.records === !values.config) {
    throw new InvalidInputError(`--domain and one of --records or --config are required\n\n${EXPORT_USAGE}`);
  }
  const address = values['nameserver-address'];
  if (address !== undefined && !isIP(address)) {
    throw new InvalidInputError(`--nameserver-address must be an IP address, not "${address}"`);
  }
  const options: ZoneFileOptions = {
    ...(values.nameserver ? { nameserver: values.nameserver } : {}),
    ...(address ? { nameserverAddress: address } : {}),
    ...(values.serial ? { serial: wholeNumber('--serial', values.serial, 4_294_967_295) } : {}),
    ...(values.ttl ? { defaultTtl: wholeNumber('--ttl', values.ttl, 2_147_483_647) } : {}),
  };
  const records = values.records
    ? await readRecordSetsFile(values.records)
    : // The live path (core, configuration, a cloud) is imported only when used: `export --records` stays offline and quick.
      await (await import('./live-records.ts')).liveZoneRecords(values, values.domain, values['zone-id']);
  return exportZone(values.domain, records, options);
}

function wholeNumber(option: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max) throw new InvalidInputError(`${option} must be a whole number 0–${max}`);
  return value;
}
