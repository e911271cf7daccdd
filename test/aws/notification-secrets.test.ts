import { afterEach, describe, expect, it } from 'vitest';
import { handleScheduledRepair } from '../../functions/aws/handlers/scheduled-repair.ts';
import { captureLog } from '../notify/receiver.ts';
import {
  addNetwork,
  addSite,
  createRepairRuntime,
  type RepairHarness,
  startRepairHarness,
  takeMetrics,
} from './scheduled-repair-harness.ts';

/**
 * Issue 12, finding 9 through the Lambda handler: the scheduled repair on the local AWS writes records and notifies a
 * Slack receiver on 127.0.0.1 that refuses with an error answer holding a Slack token across the 200-character cut
 * (the webhook answer a misconfigured proxy or an echoing receiver gives). Before, the answer was cut first and then
 * redacted, and half of the token reached the log. The handler's log lines (the notifier's included) are captured.
 */

const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const TOKEN = 'xoxb-7391046285-5820417396-q7RmS2vXk9LpT4wZ8nBc1dFh';

let harness: RepairHarness;
afterEach(async () => {
  await harness.close();
});

/** Every run of `length` characters of `secret` that holds no `-`: none may appear in a log. */
function fragments(secret: string, length: number): string[] {
  return Array.from({ length: secret.length - length + 1 }, (_, start) => secret.slice(start, start + length)).filter(
    (fragment) => !fragment.includes('-'),
  );
}

describe('finding 9 through the handlers: secrets in notification failures', () => {
  it('logs the failed delivery, counts it, and no part of the token straddling the 200-character cut', async () => {
    // Prepare
    const padding = 'x'.repeat(200 - TOKEN.length / 2);
    harness = await startRepairHarness({}, () => ({ status: 400, body: `${padding}${TOKEN} invalid_token` }));
    const network = addNetwork(harness, DOMAIN);
    addSite(harness, network);
    const log = captureLog();
    const setup = await createRepairRuntime(harness, [network], { changeLog: log });

    // Act
    const report = await handleScheduledRepair({ id: 'notify-refused' }, setup.runtime);

    // Assess: the DNS work stands, the failed delivery is logged and counted, the token is nowhere (the padding glues
    // it to the text before it: a word boundary in the token shapes let its first half through until now).
    expect(report.zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(harness.slack.requests.length).toBeGreaterThan(0);
    expect(takeMetrics(setup.metrics)).toMatchObject({ NotificationsFailed: 1 });
    const logged = log.text();
    expect(logged).toContain('answered with HTTP 400');
    expect(fragments(TOKEN, 6).filter((fragment) => logged.includes(fragment))).toEqual([]);
  });

  it('never names the destination host when its name does not resolve (ENOTFOUND)', async () => {
    // Prepare: a per-tenant hostname carries the secret; the resolver fails the way getaddrinfo does.
    harness = await startRepairHarness();
    const network = addNetwork(harness, DOMAIN);
    addSite(harness, network);
    const host = 'q7rms2vxk9lpt4wz8nbc1dfh.hooks.example.com';
    const log = captureLog();
    const setup = await createRepairRuntime(harness, [network], {
      changeLog: log,
      slackUrl: `https://${host}/services/T0/B0/oncall`,
      lookup: async (hostname) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
          syscall: 'getaddrinfo',
          hostname,
        });
      },
    });

    // Act
    const report = await handleScheduledRepair({ id: 'notify-unresolvable' }, setup.runtime);

    // Assess: explained by destination name and resolver code, never by the host or a part of it.
    expect(report.zones.map((zone) => zone.outcome)).toEqual(['changed']);
    expect(takeMetrics(setup.metrics)).toMatchObject({ NotificationsFailed: 1 });
    const logged = log.text();
    expect(logged).toContain('ENOTFOUND');
    expect(logged).toContain('oncall');
    expect(fragments(host.split('.')[0] as string, 6).filter((fragment) => logged.includes(fragment))).toEqual([]);
    expect(logged).not.toContain('hooks.example.com');
  });
});
