import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { handleScheduledRepair } from '../functions/aws/handlers/scheduled-repair.ts';
import { createAwsRuntime } from '../functions/aws/runtime.ts';
import { readAwsSettings } from '../functions/aws/settings.ts';
import type { Notifier } from '../functions/core/ports.ts';
import { summarizeRun } from '../functions/core/report.ts';
import { LOCAL_CREDENTIALS, startLocalAws } from '../local/aws/index.ts';
import { EndpointReads } from './endpoint-reads.ts';
import { divergentZones, type Fleet, injectDrift, seedFleet } from './fleet.ts';
import { measureRun, type RunFigures, rateLimitFloorSeconds } from './measure.ts';
import { type PlanSpeed, planSpeedFigures } from './plan-speed.ts';

/**
 * `npm run bench`: the scheduled drift repair over a fleet on the local AWS, through the real handler and SDK clients,
 * with the Route 53 limiter at 10 requests/s. Prints what each run cost and exits non-zero when the repair did not
 * converge (or broke one of the efficiency rules), so CI can run it as a check without timing assertions.
 *
 *   npm run bench                      1,000 endpoints, 100 zones (two runs, ≈ 25 s)
 *   npm run bench -- --zones 10        quick: 100 endpoints, 10 zones
 *   options: --zones N --vpcs N --endpoints N --rate N
 *   --glob: map each Confluent service by a glob (`*vpce-svc-…`), which EC2 cannot filter on: every endpoint of the
 *           account is listed and the unmapped ones are skipped on read instead of narrowed at the source
 */
const { values: args } = parseArgs({
  options: {
    zones: { type: 'string', default: '100' },
    vpcs: { type: 'string' },
    endpoints: { type: 'string' },
    rate: { type: 'string', default: '10' },
    glob: { type: 'boolean', default: false },
  },
});
const zones = positiveInteger('zones', args.zones);
const vpcs = positiveInteger('vpcs', args.vpcs ?? String(Math.min(10, zones)));
const endpoints = positiveInteger('endpoints', args.endpoints ?? String(zones * 10));
const rate = Number(args.rate);

const aws = await startLocalAws();
try {
  const fleet = seedFleet(aws, { zones, vpcs, endpoints });
  const drifted = injectDrift(aws, fleet);
  const logger = new Logger({ serviceName: 'linkdns-bench', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'linkdns', serviceName: 'linkdns' });
  const notified: string[] = [];
  const notifier: Notifier = { notify: async (report) => void notified.push(report.trigger.id) };
  const runtime = await createAwsRuntime(
    readAwsSettings({
      AWS_REGION: aws.ec2.region,
      LINKDNS_CONFIG: JSON.stringify(args.glob ? globMapped(fleet.config) : fleet.config),
      LINKDNS_AWS_ENDPOINT: aws.endpoint,
      LINKDNS_ROUTE53_RATE: String(rate),
    }),
    { credentials: LOCAL_CREDENTIALS, logger, metrics, notifier },
  );
  const burst = Math.ceil(rate);

  printShape(
    fleet,
    drifted.map((zone) => zone.drift ?? ''),
    rate,
    burst,
  );
  // The same runtime, its endpoint source counted: endpoints listed vs endpoints observed deeply.
  const reads = new EndpointReads(runtime.deps.endpoints);
  const counted = { ...runtime, deps: { ...runtime.deps, endpoints: reads.source } };
  const repair = await measureRun('repair (drift injected)', aws, metrics, () =>
    handleScheduledRepair({ id: 'bench-repair' }, counted),
  );
  const repairReads = reads.take();
  const divergent = divergentZones(aws, fleet);
  // Scheduled runs are hours apart: let the token bucket refill so the second run starts as a real one would.
  await new Promise((resolve) => setTimeout(resolve, (burst / rate) * 1000));
  const steady = await measureRun('steady state (no drift)', aws, metrics, () =>
    handleScheduledRepair({ id: 'bench-steady' }, counted),
  );
  const steadyReads = reads.take();
  const inAccount = fleet.zones.length + fleet.otherEndpoints;
  for (const [figures, endpointReads] of [
    [repair, repairReads],
    [steady, steadyReads],
  ] as const) {
    printRun(figures, rate, burst);
    console.log(
      `  endpoints listed / endpoints observed deeply: ${endpointReads.listed} / ${endpointReads.deep} ` +
        `(${inAccount} interface endpoints in the account; ${figures.report.endpointsSkipped ?? 0} skipped)`,
    );
  }
  printPlanSpeed(planSpeedFigures(10_000, 10_000));

  const problems = [
    ...divergent.map((problem) => `after the repair: ${problem}`),
    ...checkRun(repair, drifted.length),
    ...checkRun(steady, 0),
    ...(notified.length === 2 ? [] : [`expected one notification per run, got ${notified.length}`]),
  ];
  const peakRss = Math.max(process.resourceUsage().maxRSS * 1024, repair.peakRssBytes, steady.peakRssBytes);
  console.log(`\nprocess peak RSS (seeding and local AWS included): ${mib(peakRss)}`);
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
 * The rules the issue sets, checked on the request log: the run converged, at most one ChangeResourceRecordSets per
 * changed zone, and no per-record reads (at most one ListResourceRecordSets per zone plus one verify per changed zone).
 */
function checkRun(figures: RunFigures, expectedChanged: number): string[] {
  const summary = summarizeRun(figures.report);
  const problems: string[] = [];
  const where = figures.label;
  if (summary.failed > 0) {
    const failed = figures.report.zones.filter((zone) => zone.outcome === 'failed');
    problems.push(
      `${where}: ${summary.failed} zone(s) failed: ${failed.map((zone) => zone.error?.message).join('; ')}`,
    );
  }
  if (summary.changed !== expectedChanged) {
    problems.push(`${where}: ${summary.changed} zone(s) changed, expected ${expectedChanged}`);
  }
  for (const [zoneId, batches] of figures.changeBatchesByZone) {
    if (batches > 1) problems.push(`${where}: ${batches} ChangeResourceRecordSets for zone ${zoneId}`);
  }
  const reads = figures.byOperation.ListResourceRecordSets ?? 0;
  const allowed = zones + summary.changed;
  if (reads > allowed) problems.push(`${where}: ${reads} ListResourceRecordSets, more than ${allowed}`);
  return problems;
}

function printShape(fleet: Fleet, drift: readonly string[], rateLimit: number, bucket: number): void {
  const count = (kind: string) => drift.filter((candidate) => candidate === kind).length;
  console.log(
    [
      'linkdns bench: scheduled drift repair on the local AWS (real handler, real SDK clients over HTTP)',
      `fleet: ${fleet.zones.length + fleet.otherEndpoints} VPC endpoints in ${vpcs} VPCs: ${fleet.zones.length} ` +
        `Confluent endpoints (${fleet.domains} network(s) x ${vpcs} VPCs, 3 AZs) + ${fleet.otherEndpoints} unrelated (AWS services with private DNS, Gateway, GatewayLoadBalancer, other SaaS)`,
      `zones: ${fleet.zones.length} private zones, one per (dns_domain, VPC): a CNAME layout serves one endpoint per ` +
        'zone, so more endpoints per zone would be a LayoutError; each holds 4 CNAMEs + the registry + 1 foreign A record',
      `drift: ${drift.length} zones (${count('tampered')} value tampered, ${count('deleted')} owned record deleted, ` +
        `${count('orphaned')} endpoint deleted without an event)`,
      `Route 53 limiter: ${rateLimit} requests/s, burst ${bucket} (LINKDNS_ROUTE53_RATE); EC2 calls are not limited by it`,
    ].join('\n'),
  );
}

function printRun(figures: RunFigures, rateLimit: number, bucket: number): void {
  const summary = summarizeRun(figures.report);
  const floor = rateLimitFloorSeconds(figures.route53Calls, rateLimit, bucket);
  const seconds = figures.wallMs / 1000;
  const batches = [...figures.changeBatchesByZone.values()];
  const operations = Object.entries(figures.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, calls]) => `    ${operation.padEnd(28)} ${String(calls).padStart(6)}`);
  console.log(
    [
      '',
      `== ${figures.label}`,
      `  zones: ${summary.zones} checked, ${summary.changed} changed, ${summary.drift} drift, ${summary.unchanged} unchanged, ` +
        `${summary.failed} failed, ${summary.recordChanges} record changes`,
      '  API calls by operation:',
      ...operations,
      `    ${'total'.padEnd(28)} ${String(figures.route53Calls + figures.ec2Calls).padStart(6)}  ` +
        `(Route 53 ${figures.route53Calls}, EC2 ${figures.ec2Calls})`,
      `  ChangeResourceRecordSets per changed zone: ${batches.length === 0 ? 'none sent' : `max ${Math.max(...batches)}, ${batches.length} zones`}`,
      `  wall time: ${seconds.toFixed(2)} s; rate-limit floor ${floor.toFixed(2)} s ` +
        `((${figures.route53Calls} Route 53 calls - burst ${bucket}) / ${rateLimit} per s); ` +
        `overhead ${(seconds - floor).toFixed(2)} s (${((seconds / Math.max(floor, 0.001)) * 100).toFixed(0)} % of floor)`,
      `  bytes (bodies, from the request log): ${Object.entries(figures.bytes)
        .map(([service, { sent, received }]) => `${service} ${kib(sent)} sent, ${kib(received)} received`)
        .join('; ')}`,
      `  memory during the run: peak RSS ${mib(figures.peakRssBytes)}, peak heap used ${mib(figures.peakHeapBytes)}`,
      `  metrics: ${Object.entries(figures.metrics)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
        .join(' ')}`,
    ].join('\n'),
  );
}

function printPlanSpeed(speed: PlanSpeed): void {
  console.log(
    [
      '',
      `== plan of one zone: ${speed.owned} owned + ${speed.foreign} foreign records, ${speed.changes} changes (median of 5)`,
      `  planZoneChanges ${speed.plan_ms} ms; wire mapping (read + ownership check + write): Route 53 ` +
        `${speed.route53_wire_ms} ms, Azure ${speed.azure_wire_ms} ms, Cloud DNS ${speed.cloud_dns_wire_ms} ms`,
    ].join('\n'),
  );
}

/** The fleet's configuration with each exact service name as a glob that still matches only that service. */
function globMapped(config: Fleet['config']): Fleet['config'] {
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

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
