import type { PubSubState } from './pubsub-state.ts';

/**
 * The local Cloud Monitoring API v3, `projects.timeSeries.list`
 * (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.timeSeries/list), for the one metric linkdns reads:
 * `pubsub.googleapis.com/subscription/num_undelivered_messages` of a `pubsub_subscription`, sampled from the local
 * Pub/Sub's real state — messages published to the topic and not yet acknowledged by the subscription's push endpoint
 * (waiting or being pushed).
 *
 * What follows the reference:
 * - the filter names one metric type (`metric.type = "…"`), and may add `resource.type` and resource labels, joined by
 *   `AND`; the filter syntax spells labels `resource.label.KEY` (`resource.labels.KEY` is accepted as well, as the API
 *   does) — anything else is 400 INVALID_ARGUMENT, as is a missing or unparsable `interval.endTime` or a start after
 *   the end ("Monitoring filters"; `TimeInterval`);
 * - only series with a point inside the interval are returned, and an answer without any is `{}` (proto3 JSON leaves
 *   out empty lists); a point is `{ interval: { startTime, endTime }, value: { int64Value: "N" } }`, start = end for a
 *   GAUGE, the int64 a string; the series carries `metric`, `resource: { type, labels: { project_id, subscription_id } }`,
 *   `metricKind: "GAUGE"`, `valueType: "INT64"`;
 * - a project the caller cannot see — here: one without any local Pub/Sub resource — is 403 PERMISSION_DENIED
 *   "Permission monitoring.timeSeries.list denied (or the resource may not exist).", Google's answer for a missing
 *   project as for a missing grant (the same wording as its `monitoring.timeSeries.create` denials); errors use the
 *   `{ error: { code, message, status } }` envelope of Google's newer APIs (AIP-193), without Cloud DNS's `errors[]`.
 *
 * Deliberate differences: the point is the state when the request arrives (stamped as {@link sampleTime} says) — no
 * 120 s delay before a sample is visible, so a test sees the state it just made; other metric types are answered with 400, because the
 * local cloud does not model them (the real API would return their data); no aggregation, no paging (one point per
 * series).
 */
export const UNDELIVERED_MESSAGES_METRIC = 'pubsub.googleapis.com/subscription/num_undelivered_messages';

export interface MonitoringAnswer {
  readonly status: number;
  readonly body: unknown;
}

export function listTimeSeries(
  pubsub: PubSubState,
  project: string,
  query: URLSearchParams,
  now: Date = new Date(),
): MonitoringAnswer {
  if (!pubsub.hasProject(project)) {
    return error(403, 'Permission monitoring.timeSeries.list denied (or the resource may not exist).');
  }
  const filter = query.get('filter');
  if (!filter) return invalid('Field filter had an invalid value: a filter is required.');
  const terms = parseFilter(filter);
  if (typeof terms === 'string') return invalid(`Field filter had an invalid value of "${filter}": ${terms}`);
  const interval = parseInterval(query);
  if (typeof interval === 'string') return invalid(interval);

  const metricType = terms.get('metric.type');
  if (metricType === undefined) return invalid(`Field filter had an invalid value of "${filter}": no metric.type.`);
  if (metricType !== UNDELIVERED_MESSAGES_METRIC) {
    return invalid(`The local Cloud Monitoring serves only ${UNDELIVERED_MESSAGES_METRIC}, not ${metricType}.`);
  }
  const resourceType = terms.get('resource.type');
  if (resourceType !== undefined && resourceType !== 'pubsub_subscription') return { status: 200, body: {} };
  const labelProject = terms.get('resource.label.project_id');
  if (labelProject !== undefined && labelProject !== project) return { status: 200, body: {} };
  const subscriptionId = terms.get('resource.label.subscription_id');
  // Without a subscription_id the real API returns every subscription's series; linkdns always names one.
  if (subscriptionId === undefined) {
    return invalid('The local Cloud Monitoring needs resource.label.subscription_id in the filter.');
  }
  const subscription = `projects/${project}/subscriptions/${subscriptionId}`;
  const sampledAt = sampleTime(now, interval);
  if (!pubsub.hasSubscription(subscription) || sampledAt === undefined) return { status: 200, body: {} };
  return {
    status: 200,
    body: {
      timeSeries: [
        {
          metric: { type: UNDELIVERED_MESSAGES_METRIC },
          resource: { type: 'pubsub_subscription', labels: { project_id: project, subscription_id: subscriptionId } },
          metricKind: 'GAUGE',
          valueType: 'INT64',
          points: [
            {
              interval: { startTime: sampledAt, endTime: sampledAt },
              value: { int64Value: String(pubsub.unacknowledged(subscription)) },
            },
          ],
        },
      ],
    },
  };
}

/**
 * When the one local sample is stamped: the state now stands for the last sampling period (60 s), so an interval that
 * ends within it — a client asks up to "now" by its own clock, a few milliseconds before the request arrives — gets a
 * point at its end; one that ends earlier gets none (the local cloud keeps no history), and one still open gets now.
 */
function sampleTime(now: Date, interval: { start: string; end: string }): string | undefined {
  const end = Date.parse(interval.end);
  const at = Math.min(now.getTime(), end);
  if (now.getTime() - at > SAMPLE_PERIOD_MS || at < Date.parse(interval.start)) return undefined;
  return new Date(at).toISOString();
}

const SAMPLE_PERIOD_MS = 60_000;

/** `key = "value"` terms joined by AND → key → value; a message for anything else. */
function parseFilter(filter: string): Map<string, string> | string {
  const terms = new Map<string, string>();
  for (const term of filter.split(/\s+AND\s+/)) {
    const match = /^\s*([a-z_.]+)\s*=\s*"([^"]*)"\s*$/.exec(term);
    if (!match?.[1] || match[2] === undefined) return `cannot parse "${term.trim()}".`;
    const key = match[1].replace(/^(resource|metric)\.labels\./, '$1.label.');
    if (!/^(metric\.type|resource\.type|resource\.label\.(project_id|subscription_id))$/.test(key)) {
      return `${match[1]} is not a field of ${UNDELIVERED_MESSAGES_METRIC} time series.`;
    }
    if (terms.has(key)) return `${match[1]} is given twice.`;
    terms.set(key, match[2]);
  }
  return terms;
}

/** RFC 3339 times, normalised to ISO strings so they compare as text. */
function parseInterval(query: URLSearchParams): { start: string; end: string } | string {
  const endText = query.get('interval.endTime');
  if (!endText) return 'Field interval.endTime is required.';
  const end = Date.parse(endText);
  if (Number.isNaN(end)) return `Field interval.endTime had an invalid value of "${endText}".`;
  const startText = query.get('interval.startTime');
  const start = startText ? Date.parse(startText) : end;
  if (Number.isNaN(start)) return `Field interval.startTime had an invalid value of "${startText}".`;
  if (start > end) return 'The start time must not be later than the end time.';
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

function invalid(message: string): MonitoringAnswer {
  return error(400, message);
}

function error(code: 400 | 403, message: string): MonitoringAnswer {
  return {
    status: code,
    body: { error: { code, message, status: code === 400 ? 'INVALID_ARGUMENT' : 'PERMISSION_DENIED' } },
  };
}
