import type { ChangeRow } from './run-summary.ts';

/**
 * The record changes of one zone as a compact, aligned text table (one line per record set), shared by the Slack
 * code block and the Teams card:
 * ```
 * create  *           CNAME  60  vpce-0a1-x.vpce-svc-0b2.us-east-2.vpce.amazonaws.com
 * update  *.use2-az1  CNAME  60  vpce-old-us-east-2a.… → vpce-new-us-east-2a.…
 * update  _linkdns    TXT    300 (ownership registry)
 * ```
 * Actions are words, not `+`/`-`: a leading `-` or `+` turns a Teams text line into a bullet.
 */
export function changeTableLines(rows: readonly ChangeRow[], domain: string): string[] {
  const cells = rows.map((row) => [
    row.action,
    relativeName(row.name, domain),
    row.type,
    ttlCell(row),
    valuesCell(row),
  ]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(0, ...cells.map((cell) => (cell[column] ?? '').length)));
  return cells.map((cell) =>
    cell
      .map((text, column) => (column < 4 ? text.padEnd(widths[column] ?? 0) : text))
      .join('  ')
      .trimEnd(),
  );
}

/** The name relative to the zone (`*`, `*.use2-az1`, `@` for the apex); names outside the zone stay absolute. */
export function relativeName(name: string, domain: string): string {
  if (name === domain) return '@';
  return name.endsWith(`.${domain}`) ? name.slice(0, -(domain.length + 1)) : name;
}

function ttlCell(row: ChangeRow): string {
  return row.previous && row.previous.ttl !== row.ttl ? `${row.previous.ttl}→${row.ttl}` : String(row.ttl);
}

function valuesCell(row: ChangeRow): string {
  // The registry's TXT strings are long bookkeeping; the webhook body carries them in full.
  if (row.registry) return '(ownership registry)';
  const values = row.values.join(', ');
  if (!row.previous) return values;
  const before = row.previous.values.join(', ');
  return before === values ? values : `${before} → ${values}`;
}

/**
 * Keeps whole lines while they fit in `maxChars` (joined by newlines, the closing line included) and replaces the
 * rest with one closing line such as `… 12 more`.
 */
export function fitLines(lines: readonly string[], maxChars: number, closing: (left: number) => string): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const left = lines.length - index - 1;
    const reserve = left > 0 ? closing(left).length + 1 : 0;
    if (used + line.length + 1 + reserve > maxChars) {
      const cut = closing(lines.length - index);
      return [...kept, cut.length <= maxChars ? cut : cut.slice(0, maxChars)];
    }
    kept.push(line);
    used += line.length + 1;
  }
  return kept;
}

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
