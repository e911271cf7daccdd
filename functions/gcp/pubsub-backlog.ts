import { LinkdnsError } from '../core/errors.ts';
import { GOOGLE_API_ROOTS, type GoogleApiClient, GoogleApiError } from './google-api.ts';

/**
 * How many messages a Pub/Sub subscription still holds, read from Cloud Monitoring: Pub/Sub publishes no backlog
 * count on the subscription itself; its documented backlog signal is the metric
 * `pubsub.googleapis.com/subscription/num_undelivered_messages` ("Number of unacknowledged messages (a.k.a. backlog
 * messages) in a subscription. Sampled every 60 seconds. After sampling, data is not visible for up to 120 seconds.",
 * https://cloud.google.com/monitoring/api/metrics_gcp#gcp-pubsub; Pub/Sub "Monitor Pub/Sub in Cloud Monitoring",
 * "Monitoring the backlog"). Unacknowledged includes messages pushed to a worker that has not answered yet, so a batch
 * in flight counts as it does on Azure (`storage-queue-depth.ts`). `oldest_unacked_message_age` would say the same
 * with less (an age, not how many batches), so the count is read.
 *
 * The read is Monitoring API v3 `projects.timeSeries.list`
 * (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.timeSeries/list):
 * `GET /v3/projects/{project}/timeSeries?filter=…&interval.startTime=…&interval.endTime=…`, answered by
 * `{ timeSeries: [{ points: [{ interval, value: { int64Value: "12" } }] }], nextPageToken? }` — points newest first,
 * an int64 as a JSON string (proto3 JSON), and `{}` when no series has a point in the interval. It needs the permission
 * `monitoring.timeSeries.list` on the project (infra/gcp/roles/linkdns-backlog-reader.json).
 */
export const UNDELIVERED_MESSAGES_METRIC = 'pubsub.googleapis.com/subscription/num_undelivered_messages';

/**
 * How far back points are read. The newest visible sample is at most 60 s (sampling) + 120 s (latency) old, so 5
 * minutes holds it and the one before, which rides out one missing sample. It must stay shorter than the schedule's
 * interval (deploy-gcp.sh: 15 minutes): then every point read was sampled after the previous sweep was published, and
 * a zero from before that sweep can never let a second one start.
 */
export const BACKLOG_LOOK_BACK_MS = 5 * 60_000;

/** Pages followed at most. A 5-minute window holds about 5 points per series; more pages mean a wrong filter. */
const MAX_PAGES = 10;

/**
 * What the metric says: a count with the time of the sample it comes from, or unknown. Unknown is not zero: Pub/Sub's
 * metrics "might have occasional gaps", and "don't assume that the absence of metrics means that there are no messages
 * to process" (Pub/Sub, "Best practices for using Pub/Sub metrics as a scaling signal"). A subscription created a
 * minute ago, or one whose name is wrong, has no series either.
 */
export type SubscriptionBacklog =
  | { readonly messages: number; readonly sampledAt: string }
  | { readonly messages: undefined; readonly reason: string };

/** The backlog could not be read (no permission, API disabled, a malformed answer). Not retryable as such. */
export class BacklogReadError extends LinkdnsError {}

/**
 * The backlog of one subscription.
 *
 * @example
 * const backlog = new PubSubBacklog(client, 'projects/acme-prod/subscriptions/eventarc-us-central1-linkdns-repair-worker-sub-412');
 * const { messages } = await backlog.read(); // undefined: no data in the last 5 minutes
 */
export class PubSubBacklog {
  readonly #client: GoogleApiClient;
  readonly #now: () => Date;
  readonly project: string;
  readonly subscriptionId: string;

  constructor(
    client: GoogleApiClient,
    /** `projects/{project}/subscriptions/{id}` */
    readonly subscription: string,
    options: { readonly now?: () => Date } = {},
  ) {
    // The id goes into a filter between quotes: only Pub/Sub's id characters are accepted (no quote can end it).
    const match = /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/subscriptions\/([a-zA-Z][-\w.~+%]{2,254})$/.exec(
      subscription,
    );
    if (!match?.[1] || !match[2]) {
      throw new RangeError(`a subscription is projects/{project}/subscriptions/{id}, not ${subscription}`);
    }
    this.#client = client;
    this.#now = options.now ?? (() => new Date());
    this.project = match[1];
    this.subscriptionId = match[2];
  }

  /**
   * The newest sample in the last {@link BACKLOG_LOOK_BACK_MS}. Throttling and 5xx are retried by the client and then
   * reject with a retryable error; every other error answer rejects with a {@link BacklogReadError} that says what
   * is missing.
   */
  async read(signal?: AbortSignal): Promise<SubscriptionBacklog> {
    const end = this.#now();
    const query = new URLSearchParams({
      // `resource.label.` is the filter syntax's spelling (Monitoring "Monitoring filters"); the series carries it as
      // `resource.labels`.
      filter: [
        `metric.type = "${UNDELIVERED_MESSAGES_METRIC}"`,
        'resource.type = "pubsub_subscription"',
        `resource.label.subscription_id = "${this.subscriptionId}"`,
      ].join(' AND '),
      'interval.startTime': new Date(end.getTime() - BACKLOG_LOOK_BACK_MS).toISOString(),
      'interval.endTime': end.toISOString(),
    });
    const root = this.#client.roots.monitoring ?? GOOGLE_API_ROOTS.monitoring;
    const pages: unknown[] = [];
    for (let pageToken: string | undefined; ; ) {
      if (pageToken) query.set('pageToken', pageToken);
      const page = await this.#list(
        `${root}/v3/projects/${encodeURIComponent(this.project)}/timeSeries?${query}`,
        signal,
      );
      pages.push(page);
      pageToken = nextPageToken(page);
      if (!pageToken) break;
      // The newest point may be on any page, so a listing cut short could read an old count as the current one.
      if (pages.length === MAX_PAGES) {
        throw new BacklogReadError(
          `read the backlog of ${this.subscription}: more than ${MAX_PAGES} pages of timeSeries.list for 5 minutes of one metric`,
        );
      }
    }
    return undeliveredMessages(pages, this.subscription);
  }

  async #list(url: string, signal: AbortSignal | undefined): Promise<unknown> {
    try {
      return await this.#client.call<unknown>('timeSeries.list', 'GET', url, undefined, signal);
    } catch (error) {
      if (!(error instanceof GoogleApiError) || error.retryable) throw error;
      const hint =
        error.status === 403
          ? ` (the functions' service account needs monitoring.timeSeries.list on project ${this.project}, and the` +
            ' Cloud Monitoring API must be enabled there)'
          : '';
      throw new BacklogReadError(`read the backlog of ${this.subscription}: ${error.message}${hint}`, {
        cause: error,
      });
    }
  }
}

/**
 * The backlog in `timeSeries.list` answers (every page of one listing): per series — a series may continue on the next
 * page — its newest point (points come newest first, but the end times decide), summed over the series. For this
 * metric the filter leaves one series (its labels are the project and the subscription id), so the sum only matters if
 * Google ever splits it, and then counting every part is the cautious reading. No point at all is unknown, never zero.
 */
export function undeliveredMessages(pages: readonly unknown[], subscription: string): SubscriptionBacklog {
  const newestBySeries = new Map<string, { endTime: string; value: number }>();
  for (const page of pages) {
    if (typeof page !== 'object' || page === null) throw malformed(subscription, 'the answer is not a JSON object');
    const series = (page as { timeSeries?: unknown }).timeSeries ?? [];
    if (!Array.isArray(series)) throw malformed(subscription, 'timeSeries is not a list');
    for (const one of series) {
      const latest = newestPoint(one, subscription);
      if (!latest) continue;
      const { metric, resource } = one as { metric?: unknown; resource?: unknown };
      const key = JSON.stringify([metric, resource]);
      const known = newestBySeries.get(key);
      if (!known || Date.parse(latest.endTime) > Date.parse(known.endTime)) newestBySeries.set(key, latest);
    }
  }
  const latest = [...newestBySeries.values()];
  if (latest.length === 0) {
    return {
      messages: undefined,
      reason: `no ${UNDELIVERED_MESSAGES_METRIC} sample of ${subscription} in the last ${BACKLOG_LOOK_BACK_MS / 60_000} minutes`,
    };
  }
  const sampledAt = latest.reduce((newest, point) =>
    Date.parse(point.endTime) > Date.parse(newest.endTime) ? point : newest,
  ).endTime;
  return { messages: latest.reduce((sum, point) => sum + point.value, 0), sampledAt };
}

function newestPoint(series: unknown, subscription: string): { endTime: string; value: number } | undefined {
  const points = (series as { points?: unknown } | null)?.points ?? [];
  if (!Array.isArray(points)) throw malformed(subscription, 'points is not a list');
  let newest: { endTime: string; value: number } | undefined;
  for (const point of points) {
    const { interval, value } = (point ?? {}) as { interval?: { endTime?: unknown }; value?: { int64Value?: unknown } };
    const endTime = interval?.endTime;
    if (typeof endTime !== 'string' || Number.isNaN(Date.parse(endTime))) {
      throw malformed(subscription, 'a point has no interval.endTime');
    }
    const count = int64(value?.int64Value);
    if (count === undefined)
      throw malformed(subscription, `a point's value is not an int64Value (${JSON.stringify(value)})`);
    // RFC 3339 with a Z zone from Google; compared as instants in case an offset ever appears.
    if (!newest || Date.parse(endTime) > Date.parse(newest.endTime)) newest = { endTime, value: count };
  }
  return newest;
}

/** An int64 in proto3 JSON is a decimal string; a number is accepted too, as Google's own parsers do. */
function int64(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function nextPageToken(page: unknown): string | undefined {
  const token = (page as { nextPageToken?: unknown } | null)?.nextPageToken;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

function malformed(subscription: string, detail: string): BacklogReadError {
  return new BacklogReadError(`read the backlog of ${subscription}: unexpected timeSeries.list answer: ${detail}`);
}
