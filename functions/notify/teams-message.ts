import { changeTableLines, fitLines, truncateText } from './change-table.ts';
import { footerParts, listWithMore, triggerKind } from './message-text.ts';
import { eventTitle, type RunSummary, type Severity, type ZoneEvent, type ZoneSummary } from './run-summary.ts';

/**
 * Teams messages posted through a Workflows ("Post to a channel when a webhook request is received") or legacy
 * incoming webhook are limited to about 28 KB; the card keeps well below that and counts the zones it leaves out.
 */
export const TEAMS_LIMITS = {
  cardBytes: 24_000,
  tableCharsPerZone: 6_000,
  endpointsListed: 10,
  conflictsListed: 10,
} as const;

type CardElement = Record<string, unknown>;

export interface TeamsMessage {
  readonly type: 'message';
  readonly attachments: readonly [
    {
      readonly contentType: 'application/vnd.microsoft.card.adaptive';
      readonly contentUrl: null;
      readonly content: {
        readonly $schema: string;
        readonly type: 'AdaptiveCard';
        readonly version: '1.4';
        readonly msteams: { readonly width: 'Full' };
        readonly body: readonly CardElement[];
      };
    },
  ];
}

const SEVERITY_COLORS: Record<Severity, string> = {
  failure: 'Attention',
  warning: 'Warning',
  change: 'Good',
  info: 'Default',
};

const EVENT_COLORS: Record<ZoneEvent, string> = {
  failed: 'Attention',
  conflict: 'Warning',
  drift: 'Warning',
  repaired: 'Good',
  created: 'Good',
  updated: 'Good',
  'cleaned-up': 'Good',
  'not-checked': 'Warning',
  unchanged: 'Default',
};

/**
 * The run as an Adaptive Card 1.4 in the message envelope Teams webhooks expect: headline, trigger, one container per
 * zone (what happened, scope, zone id and endpoints as facts, the change table in monospace, conflicts, error), footer.
 */
export function teamsMessage(summary: RunSummary): TeamsMessage {
  const head: CardElement[] = [
    {
      type: 'TextBlock',
      text: summary.headline,
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
      color: SEVERITY_COLORS[summary.severity],
    },
    {
      type: 'TextBlock',
      text: `Trigger: ${triggerKind(summary.trigger)} ${summary.trigger.id} — ${summary.trigger.description}`,
      isSubtle: true,
      wrap: true,
      spacing: 'None',
    },
  ];
  const zones: CardElement[] = [];
  let bytes = JSON.stringify(head).length + 1_000; // envelope and footer
  for (const zone of summary.zones) {
    const element = zoneContainer(zone);
    const size = JSON.stringify(element).length;
    if (bytes + size > TEAMS_LIMITS.cardBytes) break;
    zones.push(element);
    bytes += size;
  }
  const footer: CardElement = {
    type: 'TextBlock',
    text: footerParts(summary, summary.zones.length - zones.length).join(' · '),
    isSubtle: true,
    size: 'Small',
    wrap: true,
    separator: true,
  };
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [...head, ...zones, footer],
        },
      },
    ],
  };
}

function zoneContainer(zone: ZoneSummary): CardElement {
  const facts = [
    { title: 'Scope', value: zone.scope },
    ...(zone.zoneId ? [{ title: 'Zone', value: zone.zoneId }] : []),
    ...(zone.endpoints.length > 0
      ? [{ title: 'Endpoints', value: listWithMore(zone.endpoints, TEAMS_LIMITS.endpointsListed, (id) => id) }]
      : []),
  ];
  const items: CardElement[] = [
    {
      type: 'TextBlock',
      text: `${eventTitle(zone.event)} · ${zone.domain}`,
      weight: 'Bolder',
      wrap: true,
      color: EVENT_COLORS[zone.event],
    },
    { type: 'FactSet', facts },
  ];
  if (zone.changes.length > 0) {
    // One TextBlock per row: line breaks inside a TextBlock render differently across Teams clients.
    const lines = fitLines(
      changeTableLines(zone.changes, zone.domain),
      TEAMS_LIMITS.tableCharsPerZone,
      (left) => `… ${left} more`,
    );
    items.push({
      type: 'Container',
      items: lines.map((line) => ({
        type: 'TextBlock',
        text: line,
        fontType: 'Monospace',
        size: 'Small',
        wrap: true,
        spacing: 'None',
      })),
    });
  }
  if (zone.conflicts.length > 0) {
    const listed = zone.conflicts
      .slice(0, TEAMS_LIMITS.conflictsListed)
      .map((conflict) => `Conflict: ${conflict.name} ${conflict.type} — ${conflict.reason}`);
    const more =
      zone.conflicts.length > TEAMS_LIMITS.conflictsListed
        ? [`… ${zone.conflicts.length - TEAMS_LIMITS.conflictsListed} more conflicts`]
        : [];
    for (const text of [...listed, ...more]) {
      items.push({
        type: 'TextBlock',
        text: truncateText(text, 1_000),
        wrap: true,
        color: 'Warning',
        spacing: 'Small',
      });
    }
  }
  if (zone.error) {
    const retry = zone.error.retryable ? ' (retryable)' : '';
    items.push({
      type: 'TextBlock',
      text: truncateText(`Error: ${zone.error.name}${retry} — ${zone.error.message}`, 2_000),
      wrap: true,
      color: 'Attention',
    });
  }
  return { type: 'Container', separator: true, spacing: 'Medium', items };
}
