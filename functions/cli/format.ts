import type { RecordSet } from '../core/model.ts';

/** A plain-text table of record sets, one value per line. */
export function formatRecordTable(records: readonly RecordSet[]): string {
  if (records.length === 0) return 'No records: no endpoint contributes to this domain.\n';
  const rows = records.flatMap((record) =>
    record.values.map((value, index) =>
      index === 0 ? [record.name, record.type, String(record.ttl), value] : ['', '', '', value],
    ),
  );
  return `${formatTable(['NAME', 'TYPE', 'TTL', 'VALUE'], rows)}\n`;
}

/** Left-aligned columns two spaces apart, header first; no trailing blanks. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [header, ...rows].map(line).join('\n');
}
