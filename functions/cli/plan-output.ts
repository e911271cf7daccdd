import type { RecordSet } from '../core/model.ts';
import type { Changes } from '../core/plan.ts';
import { type RunReport, summarizeRun, type ZoneReport } from '../core/report.ts';

/** ANSI colours on a TTY, nothing otherwise (and never when NO_COLOR is set). */
export interface Palette {
  add(text: string): string;
  remove(text: string): string;
  change(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
export const COLOURS: Palette = { add: ansi(32), remove: ansi(31), change: ansi(33), warn: ansi(35), dim: ansi(2) };
export const PLAIN: Palette = { add: (t) => t, remove: (t) => t, change: (t) => t, warn: (t) => t, dim: (t) => t };

export function paletteFor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): Palette {
  return stream.isTTY && !env.NO_COLOR ? COLOURS : PLAIN;
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
  }
}
