import { describe, expect, it } from 'vitest';
import { REDACTED, redactDeep, secretRedactor } from '../../functions/notify/redaction.ts';

const TEAMS_URL =
  'https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const SLACK_URL = 'https://hooks.slack.com/services/T0001/B0002/xoxbSecretToken0123';
const SIGNING = 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';

describe('secretRedactor', () => {
  const redact = secretRedactor([TEAMS_URL, SLACK_URL, SIGNING]);

  it.each([
    ['a whole URL, host included', `request to ${SLACK_URL} failed`, 'request to https://[redacted]/[redacted] failed'],
    ['a destination host alone', 'getaddrinfo ENOTFOUND hooks.slack.com', `getaddrinfo ENOTFOUND ${REDACTED}`],
    ['a Slack token of any kind', 'token xoxb-1234567890-abcdefghij leaked', `token ${REDACTED} leaked`],
    ['a Slack webhook path tail', 'no_service for T0123ABCD/B0456EFGH/q1w2e3r4t5y6u7i8', `no_service for ${REDACTED}`],
    // Echoed answers glue tokens to what precedes them; a word boundary let these through whole.
    ['a Slack token glued to a word', 'paddingxxoxb-1234567890-abcdefghij', `paddingx${REDACTED}`],
    ['an app token glued to a word', 'tokenxapp-1-A0123456789-abcdef', `token${REDACTED}`],
    ['a webhook path tail glued to a word', 'pathT0123ABCD/B0456EFGH/q1w2e3r4t5y6u7i8', `path${REDACTED}`],
    ['a path alone', 'POST /services/T0001/B0002/xoxbSecretToken0123 → 500', `POST ${REDACTED} → 500`],
    ['a query signature alone', 'sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 rejected', `sig=${REDACTED} rejected`],
    ['a URL-encoded URL', `url=${encodeURIComponent(SLACK_URL)}`, `url=${REDACTED}`],
    ['the signing secret', `key ${SIGNING}`, `key ${REDACTED}`],
    ['the signing secret without prefix', `key ${SIGNING.slice(6)}`, `key ${REDACTED}`],
    ['any other URL down to its origin', 'see https://example.com/a/b?c=d', 'see https://example.com/[redacted]'],
    ['credentials in a URL', 'http://user:pw@host.example/x', 'http://host.example/[redacted]'],
    ['nothing in harmless text', 'connect ECONNREFUSED 127.0.0.1:443', 'connect ECONNREFUSED 127.0.0.1:443'],
  ])('removes %s', (_name, text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('removes a webhook token quoted on its own, down to 16-character path segments', () => {
    // Prepare: Slack answers "invalid_token" quoting only the last path segment; this one is exactly 16 characters.
    const slack = 'https://hooks.slack.com/services/T0001/B0002/xoxbToken0123456';
    const scrub = secretRedactor([slack]);

    // Act / Assess
    expect(scrub('invalid_token xoxbToken0123456 (revoked?)')).toBe(`invalid_token ${REDACTED} (revoked?)`);
    expect(scrub('channel B0002 archived; see the services page')).toBe(
      'channel B0002 archived; see the services page',
    );
  });

  it('removes the password of a receiver URL with credentials wherever it shows up', () => {
    // Prepare
    const scrub = secretRedactor(['https://linkdns:S3cretPassw0rd@receiver.example.com/hook']);

    // Act / Assess
    expect(scrub('basic auth linkdns:S3cretPassw0rd rejected')).toBe(`basic auth linkdns:${REDACTED} rejected`);
  });

  it('removes the path and query of a Teams workflow URL quoted without its origin', () => {
    // Act
    const text = redact(`POST ${new URL(TEAMS_URL).pathname}${new URL(TEAMS_URL).search} failed`);

    // Assess
    expect(text).toBe(`POST ${REDACTED} failed`);
  });

  it('replaces a whole webhook path even when a bot token inside it is also a secret', () => {
    // Prepare: the token is listed before the URL that contains it.
    const scrub = secretRedactor(['xoxbSecretToken0123', SLACK_URL]);

    // Act / Assess
    expect(scrub('POST /services/T0001/B0002/xoxbSecretToken0123 → 500')).toBe(`POST ${REDACTED} → 500`);
  });

  it('redacts a secret of 6 characters but ignores shorter ones, even URL-encoded', () => {
    // Prepare
    const scrub = secretRedactor(['k3yZq9', 'p@ss!']);

    // Act / Assess
    expect(scrub('api key k3yZq9 expired')).toBe(`api key ${REDACTED} expired`);
    expect(scrub('user p%40ss! and p@ss! unchanged')).toBe('user p%40ss! and p@ss! unchanged');
  });

  it('applies to every string inside log attributes', () => {
    expect(redactDeep({ error: { message: `bad ${SLACK_URL}`, list: [SIGNING], n: 3, cause: null } }, redact)).toEqual({
      error: { message: 'bad https://[redacted]/[redacted]', list: [REDACTED], n: 3, cause: null },
    });
  });
});
