import { styleText } from 'node:util';
import type { RecordSet } from '../core/model.ts';
import type { Changes } from '../core/plan.ts';
import { type RunReport, summarizeRun, type ZoneReport } from '../core/report.ts';

/** Colours on a terminal that wants them, nothing otherwise (see {@link paletteFor}). */
export interface Palette {
  add(text: string): string;
  remove(text: string): string;
  change(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

// Whether to colour is decided once by paletteFor, so styleText is told not to check the stream again.
const style = (format: Parameters<typeof styleText>[0]) => (text: string) =>
  styleText(format, text, { validateStream: false });
export const COLOURS: Palette = {
  add: style('green'),
  remove: style('red'),
  change: style('yellow'),
  warn: style('magenta'),
  dim: style('dim'),
};
export const PLAIN: Palette = { add: (t) => t, remove: (t) => t, change: (t) => t, warn: (t) => t, dim: (t) => t };

/**
 * Node's own colour rules (those `util.styleText` applies with `validateStream`), with the environment passed in:
 * `FORCE_COLOR` wins (`0` or `false` turns colour off, anything else on), then `NO_COLOR` or `NODE_DISABLE_COLORS`
 * turn it off, else colour on a TTY only (https://no-color.org, https://force-color.org).
 */
export function paletteFor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): Palette {
  return wantsColour(stream, env) ? COLOURS : PLAIN;
}

function wantsColour(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR || env.NODE_DISABLE_COLORS) return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * A readable diff per zone, in the manner of `terraform plan`:
 * ```
 * zone pr1jy6.us-east-2.aws.confluent.cloud (Z0123…) in vpc-0a1…: 4 to create
 *   + *.pr1jy6.us-east-2.aws.confluent.cloud CNAME 60 vpce-….vpce.amazonaws.com
 *   ~ *.use2-az1.… CNAME 60 old.example.com → vpce-…-us-east-2a.…
 *   - *.use2-az9.… CNAME 60 vpce-…
 *   ! *.… CNAME conflict: exists and is not owned by linkdns (…)
 * ```
 */
export function formatRunReport(report: RunReport, palette: Palette, verb: 'plan' | 'apply'): string {
  const lines: string[] = [];
  for (const zone of report.zones) lines.push(...formatZone(zone, palette), '');
  const summary = summarizeRun(report);
  const pending = verb === 'plan' ? summary.drift : summary.changed;
  lines.push(
    `${summary.zones} zone(s): ${summary.unchanged} unchanged, ${pending} ${verb === 'plan' ? 'with changes pending' : 'changed'}, ` +
      `${summary.conflicts} conflict(s), ${summary.failed} failed; ${summary.recordChanges} record set change(s).`,
  );
  return `${lines.join('\n')}\n`;
}

function formatZone(zone: ZoneReport, palette: Palette): string[] {
  const header = `zone ${zone.domain}${zone.zoneId ? ` (${zone.zoneId})` : ''} in ${zone.scope}: ${describeOutcome(zone)}`;
  const lines = [header];
  lines.push(...formatChanges(zone.changes, palette));
  for (const conflict of zone.conflicts) {
    lines.push(palette.warn(`  ! ${conflict.name} ${conflict.type} conflict: ${conflict.reason}`));
  }
  if (zone.error) lines.push(palette.remove(`  ✗ ${zone.error.name}: ${zone.error.message}`));
  return lines;
}

export function formatChanges(changes: Changes, palette: Palette): string[] {
  return [
    ...changes.create.map((record) => palette.add(`  + ${describe(record)}`)),
    ...changes.update.map((change) =>
      palette.change(
        `  ~ ${change.new.name} ${change.new.type} ${change.old.ttl} ${change.old.values.join(',')} → ${change.new.ttl} ${change.new.values.join(',')}`,
      ),
    ),
    ...changes.delete.map((record) => palette.remove(`  - ${describe(record)}`)),
  ];
}

function describe(record: RecordSet): string {
  return `${record.name} ${record.type} ${record.ttl} ${record.values.join(',')}`;
}

function describeOutcome(zone: ZoneReport): string {
  const counts = [
    [zone.changes.create.length, 'to create'],
    [zone.changes.update.length, 'to update'],
    [zone.changes.delete.length, 'to delete'],
  ].filter(([count]) => (count as number) > 0);
  const changes = counts.map(([count, label]) => `${count} ${label}`).join(', ');
  switch (zone.outcome) {
    case 'unchanged':
      return 'up to date';
    case 'drift':
      return changes;
    case 'changed':
      return `applied (${changes.replaceAll('to ', '')})`;
    case 'conflict':
      return `${zone.conflicts.length} conflict(s), nothing to change`;
    case 'failed':
      return 'failed';
    case 'not-checked':
      return 'not checked (out of time)';
  }
}
