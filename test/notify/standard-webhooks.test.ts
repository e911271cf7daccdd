import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { SecretUnavailableError } from '../../functions/notify/errors.ts';
import { signingKey, signStandardWebhook } from '../../functions/notify/standard-webhooks.ts';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const BODY = JSON.stringify({ type: 'linkdns.run.completed', data: { id: 'msg_1' } });

function sign(body = BODY, timestamp = new Date()) {
  return signStandardWebhook({
    id: 'msg_0123456789abcdef0123456789abcdef',
    timestamp,
    body,
    key: signingKey(SECRET, 'test'),
  });
}

describe('Standard Webhooks signing', () => {
  it('produces headers the reference verifier accepts', () => {
    // Act
    const headers = sign();

    // Assess
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(SECRET).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
  });

  it('matches the reference implementation byte for byte', () => {
    // Prepare
    const timestamp = new Date('2026-03-01T06:00:00Z');

    // Act
    const headers = sign(BODY, timestamp);

    // Assess
    expect(headers['webhook-timestamp']).toBe('1772344800');
    expect(headers['webhook-signature']).toBe(new Webhook(SECRET).sign(headers['webhook-id'], timestamp, BODY));
  });

  it('is rejected for a tampered body, a stale or future timestamp, and another secret', () => {
    // Prepare
    const headers = sign();
    const stale = sign(BODY, new Date(Date.now() - 6 * 60 * 1000));
    const future = sign(BODY, new Date(Date.now() + 6 * 60 * 1000));
    const other = `whsec_${Buffer.from('another-secret-another-secret-!!').toString('base64')}`;

    // Act / Assess
    expect(() => new Webhook(SECRET).verify(BODY.replace('msg_1', 'msg_2'), { ...headers })).toThrow(
      /No matching signature/,
    );
    expect(() => new Webhook(SECRET).verify(BODY, { ...stale })).toThrow(/too old/);
    expect(() => new Webhook(SECRET).verify(BODY, { ...future })).toThrow(/too new/);
    expect(() => new Webhook(other).verify(BODY, { ...headers })).toThrow(/No matching signature/);
  });

  it.each([
    ['not base64', 'whsec_***not-base64***'],
    ['too short', `whsec_${Buffer.from('short').toString('base64')}`],
    ['too long', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
    ['empty', 'whsec_'],
    ['preceded by a stray character', `whsec_!${SECRET.slice(6)}`],
    ['followed by a stray character', `${SECRET}!`],
  ])('refuses a signing secret that is %s, without quoting it', (_name, secret) => {
    expect(() => signingKey(secret, 'audit')).toThrow(SecretUnavailableError);
    try {
      signingKey(secret, 'audit');
    } catch (error) {
      expect((error as Error).message).not.toContain(secret.slice(6) || 'whsec_x');
      expect((error as Error).message).toContain('"audit"');
    }
  });

  it.each([
    ['24 bytes, the shortest the convention allows', 24],
    ['64 bytes, the longest', 64],
  ])('accepts a signing secret of %s', (_name, bytes) => {
    // Prepare
    const secret = `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;

    // Act
    const headers = signStandardWebhook({
      id: 'msg_1',
      timestamp: new Date(),
      body: BODY,
      key: signingKey(secret, 'ops'),
    });

    // Assess
    expect(new Webhook(secret).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
  });

  it('accepts a secret without the whsec_ prefix', () => {
    expect(signingKey(SECRET.slice(6), 'audit')).toEqual(signingKey(SECRET, 'audit'));
  });
});
