import type { Metrics } from '@aws-lambda-powertools/metrics';
import { type RunReport, summarizeRun } from '../functions/core/report.ts';
import type { LocalAwsProcess, RequestFigures } from './local-aws-process.ts';

/** Zone outcomes and record changes of a run, summed over every invocation it took. */
export type RunSummary = ReturnType<typeof summarizeRun>;

/** What one repair run did, whether one invocation or a coordinator and many worker invocations. */
export interface RunOutcome {
  readonly summary: RunSummary;
  /** A few failed zones' messages, to print. */
  readonly failures: readonly string[];
  /** Function invocations (1 for the single-invocation repair; coordinator + worker invocations for the fan-out). */
  readonly invocations: number;
  readonly maxInvocationMs: number;
  /** Metric name → value summed over the invocations, from the EMF documents Powertools would print. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Reports the notifier received. */
  readonly notifications: number;
  /** Fan-out: zones per sweep message, as the coordinator sized them. */
  readonly batchZones?: number;
  /** Fan-out: the Route 53 calls the coordinator made before any worker started. */
  readonly coordinatorRoute53Calls?: number;
  /** Fan-out: the coordinator's invocation, and the longest worker invocation (bounded by the worker's timeout). */
  readonly coordinatorMs?: number;
  readonly maxWorkerInvocationMs?: number;
  /** Fan-out: zones a worker did not start within its share, sent back to the queue for a later invocation. */
  readonly handedBack?: number;
  /** Fan-out: worker invocations that carried a coordinator's listing on, and the zone items and targets they queued. */
  readonly listingInvocations?: number;
  readonly zonesListedByWorkers?: number;
  /**
   * Fan-out: zones the coordinator queued unmatched to their endpoint target because its share ran out (VPCs not looked
   * up, or a listing carried on): each may be read twice in the sweep, once through its target and once as a zone item.
   */
  readonly zonesMaybeReadTwice?: number;
  /** Anything else the run itself found wrong (e.g. a batch a worker reported as failed). */
  readonly problems: readonly string[];
}

/** What one run cost, from the local AWS's request log (in its own process), the clock and this process's memory. */
export interface RunFigures extends RunOutcome {
  readonly label: string;
  readonly wallMs: number;
  readonly requests: RequestFigures;
  readonly route53Calls: number;
  readonly ec2Calls: number;
  /** Peak of this process's heap (V8 `heapUsed`) and RSS during the run: the repair's own, the local AWS is elsewhere. */
  readonly peakHeapBytes: number;
  readonly peakRssBytes: number;
  /** Peak of the heap left after a full collection, sampled every 2 s (only with --expose-gc). */
  readonly peakLiveHeapBytes: number | undefined;
  /** Heap used when the run started (after a full collection when the bench runs with --expose-gc). */
  readonly baselineHeapBytes: number;
}

/** Runs `run` against a fresh request log and reports its cost. Memory is sampled every 10 ms. */
export async function measureRun(
  label: string,
  aws: LocalAwsProcess,
  run: () => Promise<RunOutcome>,
): Promise<RunFigures> {
  await aws.resetRequests();
  // With --expose-gc (the npm scripts pass it) the run starts from a collected heap, so its peak is its own.
  (globalThis as { gc?: () => void }).gc?.();
  const baselineHeapBytes = process.memoryUsage().heapUsed;
  let peakRssBytes = 0;
  let peakHeapBytes = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRssBytes = Math.max(peakRssBytes, usage.rss);
    peakHeapBytes = Math.max(peakHeapBytes, usage.heapUsed);
  };
  // Live heap: what is left right after a full collection, every 2 s (heap used between collections includes
  // garbage V8 has not collected yet, which grows with the allocation rate rather than with what the run holds).
  let peakLiveHeapBytes = 0;
  const collect = (globalThis as { gc?: () => void }).gc;
  const sampleLive = () => {
    if (!collect) return;
    collect();
    peakLiveHeapBytes = Math.max(peakLiveHeapBytes, process.memoryUsage().heapUsed);
  };
  sample();
  const sampler = setInterval(sample, 10);
  const liveSampler = setInterval(sampleLive, 2_000);
  const started = performance.now();
  let outcome: RunOutcome;
  try {
    outcome = await run();
  } finally {
    clearInterval(sampler);
    clearInterval(liveSampler);
  }
  const wallMs = performance.now() - started;
  sample();
  const requests = await aws.requestFigures();
  return {
    ...outcome,
    label,
    wallMs,
    requests,
    route53Calls: requests.byService.route53 ?? 0,
    ec2Calls: requests.byService.ec2 ?? 0,
    peakHeapBytes,
    peakRssBytes,
    baselineHeapBytes,
    peakLiveHeapBytes: collect ? peakLiveHeapBytes : undefined,
  };
}

/** Adds up run reports as they come (a fan-out run's batches), keeping counts rather than every zone's report. */
export class RunTally {
  #summary: RunSummary = {
    zones: 0,
    unchanged: 0,
    changed: 0,
    drift: 0,
    conflicts: 0,
    failed: 0,
    notChecked: 0,
    recordChanges: 0,
    endpointsSkipped: 0,
  };
  readonly #failures: string[] = [];
  readonly #metrics: Record<string, number> = {};

  add(report: RunReport): void {
    const summary = summarizeRun(report);
    for (const key of Object.keys(summary) as (keyof RunSummary)[]) {
      this.#summary = { ...this.#summary, [key]: this.#summary[key] + summary[key] };
    }
    for (const zone of report.zones) {
      if (zone.outcome === 'failed' && this.#failures.length < 5)
        this.#failures.push(`${zone.domain} (${zone.zoneId ?? zone.scope}): ${zone.error?.message}`);
    }
  }

  /** Takes the metrics an invocation published and clears them, as Lambda's flush after each invocation would. */
  takeMetrics(metrics: Metrics): void {
    for (const [name, value] of Object.entries(metricValues(metrics))) {
      const values = Array.isArray(value) ? value : [value];
      this.#metrics[name] = (this.#metrics[name] ?? 0) + values.reduce((sum: number, item) => sum + Number(item), 0);
    }
    metrics.clearMetrics();
  }

  get summary(): RunSummary {
    return this.#summary;
  }

  get failures(): readonly string[] {
    return this.#failures;
  }

  get metrics(): Readonly<Record<string, number>> {
    return this.#metrics;
  }
}

/** The metrics of the EMF document Powertools would print now: name → value. */
export function metricValues(metrics: Metrics): Record<string, unknown> {
  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown> & {
    _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
  };
  const names = emf._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name));
  return Object.fromEntries(names.map((name) => [name, emf[name]]));
}

/**
 * Seconds the rate limit alone forces on a run: its Route 53 calls divided by the rate they were allowed. This is the
 * floor the issue names; a full token bucket lets its burst go at once, so the bucket's own minimum is lower by
 * burst / rate (printed beside it).
 */
export function rateLimitFloorSeconds(calls: number, rate: number): number {
  return calls / rate;
}
