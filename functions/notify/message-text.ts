import type { Trigger } from '../core/report.ts';
import { plural, type RunSummary } from './run-summary.ts';

/** Wording shared by the Slack and Teams messages, so both say the same thing. */

const TRIGGER_KINDS: Record<Trigger['kind'], string> = {
  'endpoint-event': 'Endpoint event',
  'zone-event': 'Zone edit event',
  schedule: 'Scheduled repair',
  cli: 'CLI run',
};

export function triggerKind(trigger: Trigger): string {
  return TRIGGER_KINDS[trigger.kind];
}

/** At most `max` items, then `+N more`, so one zone with hundreds of endpoints cannot crowd out the rest. */
export function listWithMore(items: readonly string[], max: number, format: (item: string) => string): string {
  const shown = items.slice(0, max).map(format).join(', ');
  return items.length > max ? `${shown} +${items.length - max} more` : shown;
}

/** The closing line: what the message does not list, and when the run happened. */
export function footerParts(summary: RunSummary, zonesNotShown: number): string[] {
  return [
    ...(zonesNotShown > 0 ? [`${plural(zonesNotShown, 'more zone')} not shown (message size limit)`] : []),
    ...(summary.unchangedZones > 0 && summary.zones.length > 0
      ? [`${plural(summary.unchangedZones, 'zone')} unchanged`]
      : []),
    ...(summary.filteredZones > 0
      ? [`${plural(summary.filteredZones, 'zone')} left out by this destination's filter`]
      : []),
    ...(summary.dryRun ? ['dry run: nothing was changed'] : []),
    `run ${summary.startedAt} → ${summary.finishedAt}`,
  ];
}
