import { describe, expect, it } from 'vitest';
import { recordSet } from '../../functions/core/model.ts';
import { changeTableLines, fitLines, relativeName } from '../../functions/notify/change-table.ts';
import { type RunSummary, summarizeForDestination } from '../../functions/notify/run-summary.ts';
import { SLACK_LIMITS, slackMessage } from '../../functions/notify/slack-message.ts';
import { TEAMS_LIMITS, teamsMessage } from '../../functions/notify/teams-message.ts';
import { createdZone, ENDPOINT_EVENT, failedZone, runReport, SCHEDULE, zoneReport } from './reports.ts';

function summary(report: ReturnType<typeof runReport>): RunSummary {
  const result = summarizeForDestination(report, { filter: 'changes', notifyUnchanged: false });
  if (!result) throw new Error('expected a summary');
  return result;
}

/** A zone with `count` A records created, as a big Azure or GCP zone might have. */
function bigZone(domain: string, count: number) {
  const records = Array.from({ length: count }, (_, index) =>
    recordSet(`*.zone${index}.${domain}`, 'A', 60, [`10.${index % 250}.0.1`, `10.${index % 250}.0.2`]),
  );
  return zoneReport({ domain, outcome: 'changed', changes: { create: records, update: [], delete: [] } });
}

type Block = { type: string; text?: { text: string }; elements?: { text: string }[] };

describe('change table', () => {
  it('aligns columns and names records relative to the zone', () => {
    // Act
    const lines = changeTableLines(
      summary(runReport(ENDPOINT_EVENT, [createdZone()])).zones[0]?.changes ?? [],
      'pr1jy6.us-east-2.aws.confluent.cloud',
    );

    // Assess
    const svc = 'vpce-svc-0123456789abcdef0.us-east-2.vpce.amazonaws.com';
    expect(lines).toEqual([
      `create  *           CNAME  60   vpce-0f1e2d3c4b5a69788-abcdefgh.${svc}`,
      `create  *.use2-az1  CNAME  60   vpce-0f1e2d3c4b5a69788-abcdefgh-us-east-2a.${svc}`,
      `create  *.use2-az2  CNAME  60   vpce-0f1e2d3c4b5a69788-abcdefgh-us-east-2b.${svc}`,
      'create  _linkdns    TXT    300  (ownership registry)',
    ]);
  });

  it.each([
    ['example.com', 'example.com', '@'],
    ['*.example.com', 'example.com', '*'],
    ['*.az1.example.com', 'example.com', '*.az1'],
    ['other.org', 'example.com', 'other.org'],
    ['badexample.com', 'example.com', 'badexample.com'],
  ])('relativeName(%s in %s) is %s', (name, domain, expected) => {
    expect(relativeName(name, domain)).toBe(expected);
  });

  it('keeps whole lines that fit and counts the rest', () => {
    // Prepare
    const lines = Array.from({ length: 100 }, (_, index) => `line ${String(index).padStart(3, '0')}`);

    // Act
    const kept = fitLines(lines, 100, (left) => `… ${left} more`);

    // Assess
    expect(kept.join('\n').length).toBeLessThanOrEqual(100);
    expect(kept.at(-1)).toBe(`… ${100 - (kept.length - 1)} more`);
    expect(kept.slice(0, -1)).toEqual(lines.slice(0, kept.length - 1));
    expect(fitLines(['a', 'b'], 100, () => 'never')).toEqual(['a', 'b']);
  });
});

describe('Slack message limits', () => {
  it('stays within 50 blocks and the text budget for a run touching 40 zones, and says how many it left out', () => {
    // Prepare
    const zones = Array.from({ length: 40 }, (_, index) => createdZone(`z${index}.us-east-2.aws.confluent.cloud`));

    // Act
    const message = slackMessage(summary(runReport(SCHEDULE, zones)));

    // Assess
    const blocks = (message.blocks ?? []) as Block[];
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(SLACK_LIMITS.messageText + 1_000);
    const shown = blocks.filter((block) => block.text?.text.includes('*Drift repaired*')).length;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(40);
    expect(blocks.at(-1)?.elements?.[0]?.text).toContain(`${40 - shown} more zones not shown`);
  });

  it('cuts a long change table at a whole row, inside one 3,000-character section', () => {
    // Act
    const message = slackMessage(summary(runReport(ENDPOINT_EVENT, [bigZone('big.example.com', 400)])));

    // Assess
    const blocks = (message.blocks ?? []) as Block[];
    const table = blocks.find((block) => block.text?.text.startsWith('```'))?.text?.text ?? '';
    expect(table.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(table.endsWith('\n```')).toBe(true);
    expect(table).toMatch(/\n… \d+ more\n```$/);
    for (const block of blocks) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });

  it('cuts the header to 150 characters and escapes Slack control characters', () => {
    // Prepare
    const zone = failedZone();
    const long = 'x'.repeat(200);
    const report = runReport({ ...ENDPOINT_EVENT, description: '<!channel> & more' }, [
      {
        ...zone,
        domain: `${long}.example.com`,
        error: { name: 'Error', message: 'bad <value> & worse', retryable: false },
      },
    ]);

    // Act
    const blocks = (slackMessage(summary(report)).blocks ?? []) as Block[];

    // Assess
    expect(blocks[0]?.text?.text.length).toBe(SLACK_LIMITS.headerText);
    expect(blocks[0]?.text?.text.endsWith('…')).toBe(true);
    expect(blocks[1]?.elements?.[0]?.text).toContain('&lt;!channel&gt; &amp; more');
    expect(JSON.stringify(blocks)).toContain('bad &lt;value&gt; &amp; worse');
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
  });
});

describe('Teams card limits', () => {
  it('keeps the card under the size budget for a huge run and says how many zones it left out', () => {
    // Prepare
    const zones = Array.from({ length: 30 }, (_, index) => bigZone(`z${index}.example.com`, 60));

    // Act
    const message = teamsMessage(summary(runReport(SCHEDULE, zones)));

    // Assess
    expect(JSON.stringify(message).length).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes + 1_000);
    const body = message.attachments[0].content.body as { type: string; text?: string }[];
    const shown = body.filter((element) => element.type === 'Container').length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(30);
    expect(body.at(-1)?.text).toContain(`${30 - shown} more zones not shown`);
  });

  it('colours the headline by the most severe outcome', () => {
    // Act
    const failed = teamsMessage(summary(runReport(ENDPOINT_EVENT, [createdZone(), failedZone()])));
    const created = teamsMessage(summary(runReport(ENDPOINT_EVENT, [createdZone()])));

    // Assess
    expect(failed.attachments[0].content.body[0]).toMatchObject({ color: 'Attention' });
    expect(created.attachments[0].content.body[0]).toMatchObject({ color: 'Good' });
  });
});
