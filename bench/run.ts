import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { handleScheduledRepair } from '../functions/aws/handlers/scheduled-repair.ts';
import { type AwsRuntime, createAwsRuntime } from '../functions/aws/runtime.ts';
import { readAwsSettings } from '../functions/aws/settings.ts';
import type { LinkdnsConfig } from '../functions/core/config.ts';
import type { Notifier } from '../functions/core/ports.ts';
import { route53Budget } from '../infra/lib/route53-budget.ts';
import { LOCAL_CREDENTIALS } from '../local/aws/index.ts';
import { EndpointReads } from './endpoint-reads.ts';
import { measureEventCosts, totalCalls } from './event-costs.ts';
import { type FanOutDeployment, fanOutRepair } from './fan-out.ts';
import { startLocalAwsProcess } from './local-aws-process.ts';
import { measureRun, type RunFigures, type RunOutcome, RunTally, rateLimitFloorSeconds } from './measure.ts';
import { type PlanSpeed, planSpeedFigures } from './plan-speed.ts';

/**
 * `npm run bench`: the scheduled drift repair over a fleet on the local AWS, through the real handlers and SDK
 * clients, then the same repair again in steady state. The local AWS runs in a child process (`local-aws-child.ts`),
 * so the memory and CPU measured here are the repair's own. Prints what each run cost, writes the figures to
 * `--out` (default `bench/results.json`) and exits non-zero when the repair did not converge or broke one of the
 * efficiency rules — never because of a time, so CI can run it as a check.
 *
 *   npm run bench                                   100 zones, 1,000 endpoints, 10 requests/s, one invocation
 *   npm run bench -- --zones 1000 --vpcs 100 --rate 50
 *   npm run bench -- --zones 10000 --vpcs 100 --rate 50      through the fan-out path (see below)
 *   options: --zones N --vpcs N --endpoints N --rate N --fan-out --workers N --repair-timeout S --out FILE --glob
 *
 * --repair-timeout S gives the coordinator the construct's `repairTimeout` of S seconds, compressed like the rest: its
 * listings stop at its share of that and workers carry them on (what about 30,000 zones do at the default 600 s).
 * Without it the coordinator gets no deadline: the compression speeds up the Route 53 budget 50x but not the local
 * EC2, whose listing (50 endpoints a call, unlimited by linkdns) would then look 50x slower against the timeout than
 * it is, and be carried on at sizes where no deployment carries it on.
 *
 * One invocation (fewer than 5,000 zones unless --fan-out): the scheduled repair handler with its Route 53 limiter at
 * --rate. Fan-out (from 5,000 zones, or --fan-out): the repair as the CDK construct deploys it by default — the
 * coordinator handler sends the sweep to the (local) SQS queue and `--workers` worker instances (default 2, the
 * construct's default reserved concurrency) take batches through the worker handler — with time compressed: the
 * construct gives each instance 1 request/s and the worker a 300 s timeout; here each instance gets --rate requests/s
 * and the worker timeout is divided by the same factor, so batch sizes and invocation counts are the deployment's
 * while the wall time is --rate times shorter.
 *
 * --glob maps each Confluent service by a glob (`*vpce-svc-…`), which EC2 cannot filter on: every endpoint of the
 * account is listed and the unmapped ones are skipped on read instead of narrowed at the source.
 */
/**
 * The CDK construct's defaults the fan-out run plays (infra/lib/private-link-dns.ts): two worker instances, a 5-minute
 * worker timeout, and the Route 53 budget (half of 10 requests/s) split over its five function instances.
 */
const DEPLOYED = {
  workers: 2,
  workerTimeoutSeconds: 300,
  perInstanceRate: route53Budget({ instances: 3 + 2 }).perInstance,
} as const;

const { values: args } = parseArgs({
  options: {
    zones: { type: 'string', default: '100' },
    vpcs: { type: 'string' },
    endpoints: { type: 'string' },
    rate: { type: 'string', default: '10' },
    'fan-out': { type: 'boolean' },
    workers: { type: 'string', default: String(DEPLOYED.workers) },
    'repair-timeout': { type: 'string' },
    concurrency: { type: 'string' },
    out: { type: 'string', default: 'bench/results.json' },
    glob: { type: 'boolean', default: false },
  },
});

const zones = positiveInteger('zones', args.zones);
const fanOut = args['fan-out'] ?? zones >= 5_000;
const vpcs = positiveInteger('vpcs', args.vpcs ?? String(Math.min(10, zones)));
// Ten endpoints per zone (nine of other services) up to a few thousand zones; two at fan-out scale, so the local EC2
// and the seeding stay small enough for two cores while every zone still has its endpoint.
const endpoints = positiveInteger('endpoints', args.endpoints ?? String(zones * (fanOut ? 2 : 10)));
const rate = Number(args.rate);
if (!(rate > 0 && rate <= 50)) throw new RangeError('--rate must be in (0, 50] (LINKDNS_ROUTE53_RATE)');
const workers = positiveInteger('workers', args.workers);
const timeScale = rate / DEPLOYED.perInstanceRate;
const workerTimeoutSeconds = Math.max(1, Math.round(DEPLOYED.workerTimeoutSeconds / timeScale));
const coordinatorTimeoutSeconds =
  args['repair-timeout'] === undefined
    ? undefined
    : positiveInteger('repair-timeout', args['repair-timeout']) / timeScale;
const burst = Math.ceil(rate);
const loadAtStart = loadavg();

const aws = await startLocalAwsProcess();
try {
  const seedStarted = performance.now();
  const fleet = await aws.seed({ zones, vpcs, endpoints });
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const config = args.glob ? globMapped(fleet.config) : fleet.config;
  const logger = new Logger({ serviceName: 'linkdns-bench', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'linkdns', serviceName: 'linkdns' });
  let notified = 0;
  const notifier: Notifier = {
    notify: async () => {
      notified += 1;
    },
  };
  const runtimeAt = (env: Record<string, string>) =>
    createAwsRuntime(
      readAwsSettings({
        AWS_REGION: aws.region,
        LINKDNS_CONFIG: JSON.stringify(config),
        LINKDNS_AWS_ENDPOINT: aws.endpoint,
        LINKDNS_ROUTE53_RATE: String(rate),
        ...(args.concurrency ? { LINKDNS_ZONE_CONCURRENCY: args.concurrency } : {}),
        ...env,
      }),
      { credentials: LOCAL_CREDENTIALS, logger, metrics, notifier },
    );

  console.log(
    [
      `linkdns bench: scheduled drift repair on the local AWS (real handlers, real SDK clients over HTTP; the local AWS in a child process)`,
      `fleet: ${fleet.zones + fleet.otherEndpoints} VPC endpoints in ${vpcs} VPCs: ${fleet.zones} Confluent endpoints ` +
        `(${fleet.domains} network(s) x ${vpcs} VPCs, 3 AZs) + ${fleet.otherEndpoints} unrelated (AWS services with private DNS, Gateway, GatewayLoadBalancer, other SaaS); seeded in ${seedSeconds.toFixed(1)} s`,
      `zones: ${fleet.zones} private zones, one per (dns_domain, VPC): a CNAME layout serves one endpoint per zone; ` +
        'each holds 4 CNAMEs + the registry + 1 foreign A record',
      `drift: ${fleet.drifted} zones (${fleet.drift.tampered} value tampered, ${fleet.drift.deleted} owned record deleted, ` +
        `${fleet.drift.orphaned} endpoint deleted without an event)`,
      fanOut
        ? `fan-out: coordinator → local SQS → ${workers} worker instances, each with its own Route 53 limiter at ${rate} requests/s ` +
          `(burst ${burst}); the construct's default deployment compressed ${timeScale}x: ${DEPLOYED.perInstanceRate} request/s per instance → ${rate}, ` +
          `worker timeout ${DEPLOYED.workerTimeoutSeconds} s → ${workerTimeoutSeconds} s, ` +
          (coordinatorTimeoutSeconds === undefined
            ? 'coordinator without a deadline (--repair-timeout S sets one)'
            : `coordinator timeout ${args['repair-timeout']} s → ${coordinatorTimeoutSeconds} s`)
        : `one invocation: Route 53 limiter at ${rate} requests/s, burst ${burst} (LINKDNS_ROUTE53_RATE); EC2 calls are not limited by it`,
      `load average at start: ${loadAtStart.map((load) => load.toFixed(2)).join(' ')} (${cpus().length} CPUs)`,
    ].join('\n'),
  );

  const reads: EndpointReads[] = [];
  const counted = (runtime: AwsRuntime): AwsRuntime => {
    const endpointReads = new EndpointReads(runtime.deps.endpoints);
    reads.push(endpointReads);
    return { ...runtime, deps: { ...runtime.deps, endpoints: endpointReads.source } };
  };
  const takeReads = () =>
    reads
      .map((endpointReads) => endpointReads.take())
      .reduce((a, b) => ({ listed: a.listed + b.listed, deep: a.deep + b.deep }));

  let repairOnce: (id: string) => Promise<RunOutcome>;
  if (fanOut) {
    const queueUrl = await aws.createQueue('linkdns-sweep');
    const env = {
      LINKDNS_SWEEP_QUEUE_URL: queueUrl,
      LINKDNS_WORKER_TIMEOUT_SECONDS: String(workerTimeoutSeconds),
    };
    const deployment: FanOutDeployment = {
      coordinator: counted(await runtimeAt(env)),
      workers: await Promise.all(Array.from({ length: workers }, async () => counted(await runtimeAt(env)))),
      queueUrl,
      metrics,
      notifications: () => notified,
      route53Calls: async () => (await aws.requestFigures()).byService.route53 ?? 0,
      ...(coordinatorTimeoutSeconds === undefined ? {} : { coordinatorTimeoutMs: coordinatorTimeoutSeconds * 1000 }),
      workerTimeoutMs: workerTimeoutSeconds * 1000,
    };
    repairOnce = (id) => fanOutRepair(deployment, id);
  } else {
    const runtime = counted(await runtimeAt({}));
    repairOnce = async (id) => {
      const before = notified;
      const started = performance.now();
      const report = await handleScheduledRepair({ id }, runtime);
      const tally = new RunTally();
      tally.add(report);
      tally.takeMetrics(metrics);
      return {
        summary: tally.summary,
        failures: tally.failures,
        invocations: 1,
        maxInvocationMs: performance.now() - started,
        metrics: tally.metrics,
        notifications: notified - before,
        problems: [],
      };
    };
  }

  const repair = await measureRun('repair (drift injected)', aws, () => repairOnce('bench-repair'));
  const repairReads = takeReads();
  const divergent = await aws.divergent();
  // Scheduled runs are hours apart: let the token buckets refill so the second run starts as a real one would.
  await new Promise((resolve) => setTimeout(resolve, (burst / rate) * 1000));
  const steady = await measureRun('steady state (no drift)', aws, () => repairOnce('bench-steady'));
  const steadyReads = takeReads();
  const inAccount = fleet.zones + fleet.otherEndpoints;
  for (const [figures, endpointReads] of [
    [repair, repairReads],
    [steady, steadyReads],
  ] as const) {
    printRun(figures);
    console.log(
      `  endpoints listed / endpoints observed deeply: ${endpointReads.listed} / ${endpointReads.deep} ` +
        `(${inAccount} interface endpoints in the account; ${figures.summary.endpointsSkipped} skipped)`,
    );
  }

  // After the repair runs, so that neither leaves garbage in the heap the repair is measured by.
  const planSpeed = planSpeedFigures(10_000, 10_000, zones < 100 ? 3 : 5);
  printPlanSpeed(planSpeed);
  const events = await measureEventCosts();
  console.log(
    `\n== AWS calls per endpoint event (request log; test/aws/event-costs.test.ts pins them): create ${totalCalls(events.create)}, ` +
      `modify ${totalCalls(events.modify)}, delete ${totalCalls(events.delete)} (the first event of a cold instance: ${totalCalls(events.coldCreate)})`,
  );

  const problems = [
    ...divergent.map((problem) => `after the repair: ${problem}`),
    ...checkRun(repair, fleet.drifted),
    ...checkRun(steady, 0),
    ...events.reports
      .filter((report) => report.zones.some((zone) => zone.outcome === 'failed'))
      .map((report) => `endpoint event ${report.trigger.id} failed a zone`),
  ];
  const floor = (figures: RunFigures) => floorSeconds(figures);
  const results = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    measured_at: new Date().toISOString(),
    load_average: { start: loadAtStart.map(round2), end: loadavg().map(round2), cpus: cpus().length },
    zones,
    endpoints: inAccount,
    vpcs,
    rate,
    mode: fanOut ? 'fan-out' : 'single invocation',
    ...(fanOut
      ? {
          workers,
          time_scale: timeScale,
          worker_timeout_s: workerTimeoutSeconds,
          ...(coordinatorTimeoutSeconds === undefined ? {} : { coordinator_timeout_s: coordinatorTimeoutSeconds }),
          batch_zones: repair.batchZones ?? null,
        }
      : {}),
    route53_calls: repair.route53Calls,
    floor_s: round2(floor(repair)),
    floor_definition: fanOut
      ? 'coordinator Route 53 calls / rate + worker Route 53 calls / (workers x rate)'
      : 'Route 53 calls / rate',
    wall_s: round2(repair.wallMs / 1000),
    wall_over_floor: round2(repair.wallMs / 1000 / floor(repair)),
    steady_route53_calls: steady.route53Calls,
    steady_floor_s: round2(floor(steady)),
    steady_wall_s: round2(steady.wallMs / 1000),
    steady_wall_over_floor: round2(steady.wallMs / 1000 / floor(steady)),
    peak_heap_mib: mibNumber(Math.max(repair.peakHeapBytes, steady.peakHeapBytes)),
    peak_live_heap_mib:
      repair.peakLiveHeapBytes === undefined || steady.peakLiveHeapBytes === undefined
        ? null
        : mibNumber(Math.max(repair.peakLiveHeapBytes, steady.peakLiveHeapBytes)),
    heap_at_start_mib: mibNumber(Math.min(repair.baselineHeapBytes, steady.baselineHeapBytes)),
    peak_rss_mib: mibNumber(Math.max(repair.peakRssBytes, steady.peakRssBytes)),
    peak_heap_note:
      'the bench process running the repair (coordinator and workers; the local AWS runs in a child process): ' +
      'peak_heap_mib is the most heap used, sampled every 10 ms (garbage not yet collected included); ' +
      'peak_live_heap_mib the most left after a full collection, every 2 s; heap_at_start_mib after a collection before the run',
    plan_10k_ms: planSpeed.plan_ms,
    wire_10k_ms: {
      route53: planSpeed.route53_wire_ms,
      azure: planSpeed.azure_wire_ms,
      cloud_dns: planSpeed.cloud_dns_wire_ms,
    },
    invocations: repair.invocations,
    max_invocation_s: round2(repair.maxInvocationMs / 1000),
    steady_invocations: steady.invocations,
    steady_max_invocation_s: round2(steady.maxInvocationMs / 1000),
    ...(fanOut
      ? {
          coordinator_s: round2((repair.coordinatorMs ?? 0) / 1000),
          max_worker_invocation_s: round2((repair.maxWorkerInvocationMs ?? 0) / 1000),
          handed_back_zones: repair.handedBack ?? 0,
          listing_invocations: repair.listingInvocations ?? 0,
          zones_listed_by_workers: repair.zonesListedByWorkers ?? 0,
          zones_maybe_read_twice: repair.zonesMaybeReadTwice ?? 0,
          steady_coordinator_s: round2((steady.coordinatorMs ?? 0) / 1000),
          steady_max_worker_invocation_s: round2((steady.maxWorkerInvocationMs ?? 0) / 1000),
        }
      : {}),
    event_calls_create: totalCalls(events.create),
    event_calls_modify: totalCalls(events.modify),
    event_calls_delete: totalCalls(events.delete),
    event_calls_create_cold: totalCalls(events.coldCreate),
    seed_s: round2(seedSeconds),
    converged: problems.length === 0,
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nfigures written to ${args.out}; load average at the end: ${results.load_average.end.join(' ')}`);
  if (problems.length > 0) {
    console.log(`\nNOT CONVERGED / RULE BROKEN:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('\nconverged: every zone matches its endpoints, foreign records untouched, second run wrote nothing');
  }
} catch (error) {
  console.error('bench failed:', error);
  process.exitCode = 1;
} finally {
  await aws.close();
}

/**
 * The floor the rate limits force: one invocation, its Route 53 calls / rate. Fan-out: the coordinator runs before
 * any worker, at its own rate, then the workers' limiters run side by side.
 */
function floorSeconds(figures: RunFigures): number {
  if (figures.coordinatorRoute53Calls === undefined) return rateLimitFloorSeconds(figures.route53Calls, rate);
  return (
    rateLimitFloorSeconds(figures.coordinatorRoute53Calls, rate) +
    rateLimitFloorSeconds(figures.route53Calls - figures.coordinatorRoute53Calls, rate * workers)
  );
}

/**
 * The rules the issue sets, checked on the request log: the run converged, at most one ChangeResourceRecordSets per
 * changed zone, and no per-record reads (at most one ListResourceRecordSets per zone plus one verify per changed zone,
 * plus one per zone a worker handed back).
 */
function checkRun(figures: RunFigures, expectedChanged: number): string[] {
  const { summary } = figures;
  const where = figures.label;
  const problems = figures.problems.map((problem) => `${where}: ${problem}`);
  if (summary.failed > 0) problems.push(`${where}: ${summary.failed} zone(s) failed: ${figures.failures.join('; ')}`);
  if (summary.notChecked > 0) problems.push(`${where}: ${summary.notChecked} zone(s) not checked`);
  if (summary.changed !== expectedChanged) {
    problems.push(`${where}: ${summary.changed} zone(s) changed, expected ${expectedChanged}`);
  }
  for (const zoneId of figures.requests.zonesWithSeveralBatches) {
    problems.push(`${where}: several ChangeResourceRecordSets for zone ${zoneId}`);
  }
  const reads = figures.requests.byOperation.ListResourceRecordSets ?? 0;
  // A zone a worker handed back may have been read already (a zone found through its registry): read once more. A zone
  // queued unmatched to its endpoint target once the coordinator's share ran out may be read twice (printed below).
  const allowed = zones + summary.changed + (figures.handedBack ?? 0) + (figures.zonesMaybeReadTwice ?? 0);
  if (reads > allowed) problems.push(`${where}: ${reads} ListResourceRecordSets, more than ${allowed}`);
  // One notification per batch: none from the coordinator, none from an invocation that carried the listing on.
  if (figures.notifications !== figures.invocations - (fanOut ? 1 + (figures.listingInvocations ?? 0) : 0)) {
    problems.push(`${where}: ${figures.notifications} notifications for ${figures.invocations} invocation(s)`);
  }
  return problems;
}

function printRun(figures: RunFigures): void {
  const { summary, requests } = figures;
  const floor = floorSeconds(figures);
  const seconds = figures.wallMs / 1000;
  const operations = Object.entries(requests.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, calls]) => `    ${operation.padEnd(28)} ${String(calls).padStart(6)}`);
  const total = Object.values(requests.byService).reduce((sum, calls) => sum + calls, 0);
  console.log(
    [
      '',
      `== ${figures.label}`,
      `  zones: ${summary.zones} checked, ${summary.changed} changed, ${summary.drift} drift, ${summary.unchanged} unchanged, ` +
        `${summary.failed} failed, ${summary.notChecked} not checked, ${summary.recordChanges} record changes`,
      '  API calls by operation:',
      ...operations,
      `    ${'total'.padEnd(28)} ${String(total).padStart(6)}  (${Object.entries(requests.byService)
        .map(([service, calls]) => `${service} ${calls}`)
        .join(', ')})`,
      `  ChangeResourceRecordSets per changed zone: ${requests.changedZones === 0 ? 'none sent' : `max ${requests.maxChangeBatchesPerZone}, ${requests.changedZones} zones`}`,
      `  wall time: ${seconds.toFixed(2)} s; rate-limit floor ${floor.toFixed(2)} s (${
        figures.coordinatorRoute53Calls === undefined
          ? `${figures.route53Calls} Route 53 calls / ${rate} per s`
          : `coordinator ${figures.coordinatorRoute53Calls} calls / ${rate} per s + workers ${figures.route53Calls - figures.coordinatorRoute53Calls} calls / (${workers} x ${rate} per s)`
      }; a full bucket's burst of ${burst} per limiter would allow ${(burst / rate).toFixed(2)} s less); ` +
        `wall / floor ${(seconds / floor).toFixed(3)}`,
      `  Route 53 requests received per second: ${requests.route53PerSecond.join(' ')}`,
      `  invocations: ${figures.invocations}, longest ${(figures.maxInvocationMs / 1000).toFixed(2)} s` +
        (fanOut
          ? ` (coordinator ${((figures.coordinatorMs ?? 0) / 1000).toFixed(2)} s, longest worker ${((figures.maxWorkerInvocationMs ?? 0) / 1000).toFixed(2)} s; ` +
            `${figures.handedBack ?? 0} zone(s) not started within the share handed back; ` +
            `${figures.listingInvocations ?? 0} invocation(s) carried a listing on (${figures.zonesListedByWorkers ?? 0} zones or targets queued); ` +
            `${figures.zonesMaybeReadTwice ?? 0} zone(s) queued unmatched after the coordinator's share, so maybe read twice; ` +
            `batches of ${figures.batchZones} zones; worker timeout ${workerTimeoutSeconds} s, ${DEPLOYED.workerTimeoutSeconds} s deployed; batches sized for half of it)`
          : ''),
      `  bytes (bodies, from the request log): ${Object.entries(requests.bytes)
        .map(([service, { sent, received }]) => `${service} ${kib(sent)} sent, ${kib(received)} received`)
        .join('; ')}`,
      `  memory of the repair's process during the run: peak heap used ${mib(figures.peakHeapBytes)}, peak live heap ${figures.peakLiveHeapBytes === undefined ? 'n/a (no --expose-gc)' : mib(figures.peakLiveHeapBytes)} (${mib(figures.baselineHeapBytes)} at its start), peak RSS ${mib(figures.peakRssBytes)}`,
      `  metrics: ${Object.entries(figures.metrics)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')}`,
    ].join('\n'),
  );
}

function printPlanSpeed(speed: PlanSpeed): void {
  console.log(
    [
      '',
      `== plan of one zone: ${speed.owned} owned + ${speed.foreign} foreign records, ${speed.changes} changes (median of the measured rounds, after as many warm-up rounds)`,
      `  planZoneChanges ${speed.plan_ms} ms; wire mapping (read + ownership check + write): Route 53 ` +
        `${speed.route53_wire_ms} ms, Azure ${speed.azure_wire_ms} ms, Cloud DNS ${speed.cloud_dns_wire_ms} ms`,
    ].join('\n'),
  );
}

/** The fleet's configuration with each exact service name as a glob that still matches only that service. */
function globMapped(config: LinkdnsConfig): LinkdnsConfig {
  return {
    ...config,
    mappings: config.mappings.map((mapping) => ({ ...mapping, service: `*${mapping.service.split('.').at(-1)}` })),
  };
}

function positiveInteger(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new RangeError(`--${name} must be a positive integer`);
  return number;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function mib(bytes: number): string {
  return `${mibNumber(bytes).toFixed(1)} MiB`;
}

function mibNumber(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
