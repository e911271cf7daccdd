import type { RecordSet } from '../core/model.ts';

/** A plain-text table of record sets, one value per line. */
export function formatRecordTable(records: readonly RecordSet[]): string {
  if (records.length === 0) return 'No records: no endpoint contributes to this domain.\n';
  const rows = records.flatMap((record) =>
    record.values.map((value, index) =>
      index === 0 ? [record.name, record.type, String(record.ttl), value] : ['', '', '', value],
    ),
  );
  const header = ['NAME', 'TYPE', 'TTL', 'VALUE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
