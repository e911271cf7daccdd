import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config.ts';
import { ConfigError } from '../../functions/core/errors.ts';
import { notificationDestinationSchema } from '../../functions/core/notification-config.ts';

describe('notification destination configuration', () => {
  it('fills the quiet, safe defaults', () => {
    // Act
    const destination = notificationDestinationSchema.parse({
      name: 'ops',
      type: 'slack',
      url: { ssmParameter: '/linkdns/slack-url' },
    });

    // Assess
    expect(destination).toEqual({
      name: 'ops',
      type: 'slack',
      url: { ssmParameter: '/linkdns/slack-url' },
      filter: 'changes',
      notifyUnchanged: false,
      allowPrivateHosts: [],
      allowHttp: false,
    });
  });

  it('lists every problem at once through parseConfig', () => {
    // Prepare
    const config = {
      owner: 'prod',
      notifications: [
        { name: 'plain', type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' },
        { name: 'unsigned', type: 'webhook', url: { env: 'HOOK_URL' } },
        { name: 'http', type: 'teams', url: { env: 'TEAMS_URL' }, allowHttp: true },
        { name: 'both', type: 'teams', url: { env: 'A', ssmParameter: '/b' } },
        { name: 'filter', type: 'teams', url: { env: 'A' }, filter: 'everything' },
      ],
    };

    // Act
    const error = (() => {
      try {
        parseConfig(config);
      } catch (caught) {
        return caught;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('notifications.0.url');
    expect(problems).toContain('notifications.1.signingSecret: a webhook destination needs signingSecret');
    expect(problems).toContain('notifications.2.allowHttp: allowHttp applies only to hosts in allowPrivateHosts');
    expect(problems).toContain('notifications.3.url');
    expect(problems).toContain('notifications.4.filter');
  });

  it('accepts each kind of secret reference', () => {
    for (const url of [{ ssmParameter: '/a' }, { secretsManager: 'linkdns/a' }, { env: 'SLACK_URL' }]) {
      expect(notificationDestinationSchema.safeParse({ name: 'a', type: 'teams', url }).success).toBe(true);
    }
    expect(notificationDestinationSchema.safeParse({ name: 'a', type: 'teams', url: { env: '1BAD' } }).success).toBe(
      false,
    );
  });
});
