import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import type { NotificationDestination } from '../core/notification-config.ts';
import { parseRetryAfter } from '../waiting.ts';
import { NotificationError, NotificationHttpError, NotificationNetworkError } from './errors.ts';
import { type HttpAnswer, pinnedFetch, postPinned } from './http-post.ts';
import type { RunSummary } from './run-summary.ts';
import { slackMessage } from './slack-message.ts';
import type { PinnedDestination } from './ssrf-guard.ts';
import { signingKey, signStandardWebhook } from './standard-webhooks.ts';
import { teamsMessage } from './teams-message.ts';
import { webhookPayload } from './webhook-payload.ts';

/** Everything one delivery attempt needs; the retry loop and rate limit sit around it. */
export interface Attempt {
  readonly target: PinnedDestination;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly trustedCertificates?: readonly string[];
  readonly now: () => Date;
  /** Scrubs the destination's secrets from text; applied to a receiver's answer before it is cut to size. */
  readonly redact: (text: string) => string;
}

/** A destination kind: renders the summary once, then sends it per attempt. */
export interface Channel {
  /** Builds what is sent; done once per run so every attempt sends the same body. */
  prepare(summary: RunSummary, secrets: { readonly signingSecret?: string }): (attempt: Attempt) => Promise<void>;
}

const USER_AGENT = 'linkdns-notifier/1';

/** Slack through the official `@slack/webhook` client (its own retries off: ours honour `Retry-After`). */
export function slackChannel(destination: NotificationDestination): Channel {
  return {
    prepare(summary) {
      const message = slackMessage(summary);
      return async (attempt) => {
        let answer: HttpAnswer | undefined;
        const webhook = new IncomingWebhook(attempt.target.url.href, {
          timeout: 0, // the transport's timeout applies
          retryConfig: { retries: 0 },
          fetch: pinnedFetch(attempt.target, postOptions(destination, attempt), (received) => {
            answer = received;
          }),
        });
        try {
          await webhook.send(message);
        } catch (error) {
          throw slackFailure(destination.name, error, answer, attempt);
        }
      };
    },
  };
}

function slackFailure(name: string, error: unknown, answer: HttpAnswer | undefined, attempt: Attempt): unknown {
  if (attempt.signal?.aborted) return attempt.signal.reason;
  if (error instanceof IncomingWebhookHTTPError) {
    // Slack answers errors with a short code as the body (`invalid_blocks`, `channel_is_archived`, `no_service`).
    return httpFailure(name, error.statusCode, answer ?? { headers: {}, body: String(error.body ?? '') }, attempt);
  }
  if (error instanceof IncomingWebhookRequestError) {
    const original = error.original ?? error.cause;
    return original instanceof NotificationError
      ? original
      : new NotificationNetworkError(name, (original as Error | undefined)?.message ?? error.message, { cause: error });
  }
  return error;
}

/** Microsoft Teams: the Adaptive Card envelope POSTed to a Workflows (or legacy incoming) webhook URL. */
export function teamsChannel(destination: NotificationDestination): Channel {
  return {
    prepare(summary) {
      const body = JSON.stringify(teamsMessage(summary));
      return async (attempt) => {
        const answer = await postPinned(attempt.target, {
          ...postOptions(destination, attempt),
          headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
          body,
        });
        if (answer.status < 200 || answer.status >= 300)
          throw httpFailure(destination.name, answer.status, answer, attempt);
      };
    },
  };
}

/** The generic webhook: the documented JSON body, signed per Standard Webhooks at each attempt. */
export function webhookChannel(destination: NotificationDestination): Channel {
  return {
    prepare(summary, secrets) {
      if (secrets.signingSecret === undefined) {
        throw new NotificationError(`Destination "${destination.name}" has no signing secret`);
      }
      const key = signingKey(secrets.signingSecret, destination.name);
      const body = JSON.stringify(webhookPayload(summary));
      return async (attempt) => {
        const signature = signStandardWebhook({ id: summary.id, timestamp: attempt.now(), body, key });
        const answer = await postPinned(attempt.target, {
          ...postOptions(destination, attempt),
          headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signature },
          body,
        });
        // The receiver's body is not quoted: a generic receiver may echo what it got.
        if (answer.status < 200 || answer.status >= 300)
          throw httpFailure(destination.name, answer.status, { ...answer, body: '' }, attempt);
      };
    },
  };
}

export const CHANNELS: Record<NotificationDestination['type'], (destination: NotificationDestination) => Channel> = {
  slack: slackChannel,
  teams: teamsChannel,
  webhook: webhookChannel,
};

function postOptions(destination: NotificationDestination, attempt: Attempt) {
  return {
    destination: destination.name,
    timeoutMs: attempt.timeoutMs,
    ...(attempt.signal ? { signal: attempt.signal } : {}),
    ...(attempt.trustedCertificates ? { trustedCertificates: attempt.trustedCertificates } : {}),
  };
}

/** How much of a receiver's error answer is quoted in the error (and so in the log). */
const MAX_DETAIL_CHARS = 200;

function httpFailure(
  name: string,
  status: number,
  answer: Pick<HttpAnswer, 'headers' | 'body'>,
  attempt: Pick<Attempt, 'redact'>,
): NotificationHttpError {
  const retryAfterMs = parseRetryAfter(answer.headers['retry-after']);
  // Redacted first, then cut: a secret cut in half is no longer recognisable and would reach the log in part.
  const detail = attempt.redact(answer.body.trim()).slice(0, MAX_DETAIL_CHARS);
  return new NotificationHttpError(name, status, {
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(detail ? { detail } : {}),
  });
}
