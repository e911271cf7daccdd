import type { IncomingWebhookSendArguments } from '@slack/webhook';
import { changeTableLines, fitLines, truncateText } from './change-table.ts';
import { footerParts, listWithMore, triggerKind } from './message-text.ts';
import { eventTitle, type RunSummary, type ZoneEvent, type ZoneSummary } from './run-summary.ts';

type SlackBlock = NonNullable<IncomingWebhookSendArguments['blocks']>[number];

/**
 * Block Kit limits (docs.slack.dev, Block Kit reference): 50 blocks per message, 150 characters in a header,
 * 3,000 in a section's text. Messages far below 50 blocks are still refused as `msg_blocks_too_long` somewhere above
 * ~13,000 characters in total (slackapi/bolt-js#2509), so the whole message keeps under a smaller budget.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  contextText: 2000,
  messageText: 12_000,
  endpointsListed: 10,
  conflictsListed: 10,
} as const;

const EVENT_ICONS: Record<ZoneEvent, string> = {
  failed: ':x:',
  conflict: ':warning:',
  drift: ':warning:',
  repaired: ':wrench:',
  created: ':white_check_mark:',
  updated: ':arrows_counterclockwise:',
  'cleaned-up': ':broom:',
  'not-checked': ':hourglass:',
  unchanged: ':white_circle:',
};

/**
 * One Block Kit message for a run: header, trigger, one part per zone (what happened, zone and scope, endpoints,
 * the record changes as a code-block table, conflicts, error), then a footer. Zones that do not fit the limits are
 * counted in the footer; nothing is cut mid-row.
 */
export function slackMessage(summary: RunSummary): IncomingWebhookSendArguments {
  const head: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncateText(summary.headline, SLACK_LIMITS.headerText) } },
    context(
      `*Trigger:* ${escapeMrkdwn(triggerKind(summary.trigger))} \`${escapeMrkdwn(summary.trigger.id)}\` — ${escapeMrkdwn(summary.trigger.description)}`,
    ),
  ];
  const zoneBlocks: SlackBlock[] = [];
  let shown = 0;
  let characters = textLength(head);
  for (const zone of summary.zones) {
    const blocks = [...(shown > 0 ? [{ type: 'divider' } as SlackBlock] : []), ...zoneSection(zone)];
    const length = textLength(blocks);
    // One block is kept free for the footer.
    if (head.length + zoneBlocks.length + blocks.length + 1 > SLACK_LIMITS.blocks) break;
    if (characters + length > SLACK_LIMITS.messageText) break;
    zoneBlocks.push(...blocks);
    characters += length;
    shown += 1;
  }
  const footer = context(escapeMrkdwn(footerParts(summary, summary.zones.length - shown).join(' · ')));
  return { text: truncateText(summary.headline, 300), blocks: [...head, ...zoneBlocks, footer] };
}

function zoneSection(zone: ZoneSummary): SlackBlock[] {
  const where = [
    `*Scope:* \`${escapeMrkdwn(zone.scope)}\``,
    ...(zone.zoneId ? [`*Zone:* \`${escapeMrkdwn(zone.zoneId)}\``] : []),
    ...(zone.endpoints.length > 0
      ? [
          `*Endpoints:* ${listWithMore(zone.endpoints, SLACK_LIMITS.endpointsListed, (id) => `\`${escapeMrkdwn(id)}\``)}`,
        ]
      : []),
  ];
  const blocks: SlackBlock[] = [
    section(
      `${EVENT_ICONS[zone.event]} *${eventTitle(zone.event)}* · \`${escapeMrkdwn(zone.domain)}\`\n${where.join('\n')}`,
    ),
  ];
  if (zone.changes.length > 0) {
    const fence = '```';
    const budget = SLACK_LIMITS.sectionText - 2 * (fence.length + 1);
    const lines = fitLines(
      changeTableLines(zone.changes, zone.domain).map(escapeMrkdwn),
      budget,
      (left) => `… ${left} more`,
    );
    blocks.push(section(`${fence}\n${lines.join('\n')}\n${fence}`));
  }
  if (zone.conflicts.length > 0) {
    const lines = zone.conflicts.map(
      (conflict) => `• \`${escapeMrkdwn(conflict.name)}\` ${conflict.type} — ${escapeMrkdwn(conflict.reason)}`,
    );
    const listed = fitLines(
      lines.slice(0, SLACK_LIMITS.conflictsListed),
      SLACK_LIMITS.sectionText - 20,
      (left) => `… ${left} more`,
    );
    const more =
      zone.conflicts.length > SLACK_LIMITS.conflictsListed
        ? [`… ${zone.conflicts.length - SLACK_LIMITS.conflictsListed} more`]
        : [];
    blocks.push(section(`*Conflicts:*\n${[...listed, ...more].join('\n')}`));
  }
  if (zone.error) {
    const retry = zone.error.retryable ? ' (retryable)' : '';
    blocks.push(section(`*Error:* \`${escapeMrkdwn(zone.error.name)}\`${retry} — ${escapeMrkdwn(zone.error.message)}`));
  }
  return blocks;
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateText(text, SLACK_LIMITS.sectionText) } };
}

function context(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncateText(text, SLACK_LIMITS.contextText) }] };
}

/** Slack's mrkdwn treats `&`, `<` and `>` as control characters, in code blocks too. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function textLength(blocks: readonly SlackBlock[]): number {
  return JSON.stringify(blocks).length;
}
