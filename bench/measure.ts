import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { RunReport } from '../functions/core/report.ts';
import type { LocalAwsCloud } from '../local/aws/index.ts';

/** What one run cost, from the local AWS's request log, the clock and the process's memory. */
export interface RunFigures {
  readonly label: string;
  readonly report: RunReport;
  readonly wallMs: number;
  readonly byOperation: Readonly<Record<string, number>>;
  readonly route53Calls: number;
  readonly ec2Calls: number;
  /** Request and response body bytes per service, from the request log. */
  readonly bytes: Readonly<Record<string, { readonly sent: number; readonly received: number }>>;
  /** ChangeResourceRecordSets requests per hosted zone id. */
  readonly changeBatchesByZone: ReadonlyMap<string, number>;
  readonly peakRssBytes: number;
  readonly peakHeapBytes: number;
  /** Metric name → value, from the EMF document Powertools would print. */
  readonly metrics: Readonly<Record<string, unknown>>;
}

/**
 * Runs `run` against a fresh request log and reports its cost. Memory is sampled every 10 ms; it is the whole
 * process's, so the local AWS (same process) is included.
 */
export async function measureRun(
  label: string,
  aws: LocalAwsCloud,
  metrics: Metrics,
  run: () => Promise<RunReport>,
): Promise<RunFigures> {
  aws.requests.reset();
  metrics.clearMetrics();
  const changeBatchesByZone = new Map<string, number>();
  aws.route53.beforeChangeBatch = (zone) =>
    changeBatchesByZone.set(zone.id, (changeBatchesByZone.get(zone.id) ?? 0) + 1);
  let peakRssBytes = 0;
  let peakHeapBytes = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRssBytes = Math.max(peakRssBytes, usage.rss);
    peakHeapBytes = Math.max(peakHeapBytes, usage.heapUsed);
  };
  sample();
  const sampler = setInterval(sample, 10);
  const started = performance.now();
  let report: RunReport;
  try {
    report = await run();
  } finally {
    clearInterval(sampler);
    aws.route53.beforeChangeBatch = undefined;
  }
  const wallMs = performance.now() - started;
  sample();
  const entries = aws.requests.entries;
  const values = metricValues(metrics);
  metrics.clearMetrics();
  return {
    label,
    report,
    wallMs,
    byOperation: aws.requests.byOperation(),
    route53Calls: entries.filter((entry) => entry.service === 'route53').length,
    ec2Calls: entries.filter((entry) => entry.service === 'ec2').length,
    bytes: bytesByService(entries),
    changeBatchesByZone,
    peakRssBytes,
    peakHeapBytes,
    metrics: values,
  };
}

function bytesByService(
  entries: readonly { service: string; bytesIn: number; bytesOut: number }[],
): Record<string, { sent: number; received: number }> {
  const bytes: Record<string, { sent: number; received: number }> = {};
  for (const entry of entries) {
    const totals = bytes[entry.service] ?? { sent: 0, received: 0 };
    bytes[entry.service] = { sent: totals.sent + entry.bytesIn, received: totals.received + entry.bytesOut };
  }
  return bytes;
}

/** The metrics of the EMF document Powertools would print now: name → value. */
export function metricValues(metrics: Metrics): Record<string, unknown> {
  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown> & {
    _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
  };
  const names = emf._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name));
  return Object.fromEntries(names.map((name) => [name, emf[name]]));
}

/** Seconds the token bucket alone forces on `calls` requests: the burst goes at once, the rest at `rate` per second. */
export function rateLimitFloorSeconds(calls: number, rate: number, burst: number): number {
  return Math.max(0, calls - burst) / rate;
}
