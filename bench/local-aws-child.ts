import { startLocalAws } from '../local/aws/index.ts';
import { divergentZones, type Fleet, injectDrift, seedFleet } from './fleet.ts';
import type { ChildReply, ChildRequest, FleetSummary, RequestFigures } from './local-aws-process.ts';

/**
 * The bench's local AWS in a process of its own (forked by `local-aws-process.ts`), so the bench process's heap and CPU
 * are the repair's alone. The fleet lives here: the parent sends its shape, gets back the configuration to run with,
 * and asks for the request log's figures and the convergence check after each run. Answers go over the IPC channel.
 */
const aws = await startLocalAws();
let fleet: Fleet | undefined;
const changeBatchesByZone = new Map<string, number>();
aws.route53.beforeChangeBatch = (zone) => changeBatchesByZone.set(zone.id, (changeBatchesByZone.get(zone.id) ?? 0) + 1);

// When each Route 53 request arrived, to show in which seconds of a run the limiter's rate was not used.
const route53Arrivals: number[] = [];
const record = aws.requests.record.bind(aws.requests);
aws.requests.record = (entry) => {
  if (entry.service === 'route53') route53Arrivals.push(performance.now());
  record(entry);
};

function seeded(): Fleet {
  if (!fleet) throw new Error('the fleet is not seeded yet');
  return fleet;
}

function handle(request: ChildRequest): unknown {
  switch (request.method) {
    case 'seed': {
      fleet = seedFleet(aws, request.shape);
      const drifted = injectDrift(aws, fleet);
      const count = (kind: string) => drifted.filter((zone) => zone.drift === kind).length;
      const summary: FleetSummary = {
        config: fleet.config,
        zones: fleet.zones.length,
        otherEndpoints: fleet.otherEndpoints,
        domains: fleet.domains,
        drifted: drifted.length,
        drift: { tampered: count('tampered'), deleted: count('deleted'), orphaned: count('orphaned') },
      };
      return summary;
    }
    case 'resetRequests':
      aws.requests.reset();
      changeBatchesByZone.clear();
      route53Arrivals.length = 0;
      return null;
    case 'requestFigures': {
      const entries = aws.requests.entries;
      const bytes: Record<string, { sent: number; received: number }> = {};
      for (const entry of entries) {
        const totals = bytes[entry.service] ?? { sent: 0, received: 0 };
        bytes[entry.service] = { sent: totals.sent + entry.bytesIn, received: totals.received + entry.bytesOut };
      }
      const batches = [...changeBatchesByZone.values()];
      const figures: RequestFigures = {
        byOperation: aws.requests.byOperation(),
        byService: Object.fromEntries(
          Object.keys(bytes)
            .sort()
            .map((service) => [service, entries.filter((entry) => entry.service === service).length]),
        ),
        bytes,
        changedZones: batches.length,
        maxChangeBatchesPerZone: batches.length === 0 ? 0 : Math.max(...batches),
        route53PerSecond: perSecond(route53Arrivals),
        zonesWithSeveralBatches: [...changeBatchesByZone].filter(([, count]) => count > 1).map(([zone]) => zone),
      };
      return figures;
    }
    case 'divergent':
      return divergentZones(aws, seeded());
    case 'createQueue':
      return aws.sqs.createQueue(request.name);
    case 'memory':
      return process.memoryUsage();
  }
}

/** Requests per second of the run, from the first request on. */
function perSecond(arrivals: readonly number[]): number[] {
  const first = arrivals[0];
  if (first === undefined) return [];
  const counts: number[] = [];
  for (const at of arrivals) {
    const second = Math.floor((at - first) / 1000);
    while (counts.length <= second) counts.push(0);
    counts[second] = (counts[second] ?? 0) + 1;
  }
  return counts;
}

process.on('message', (message: ChildRequest & { readonly id: number }) => {
  let reply: ChildReply;
  try {
    reply = { id: message.id, ok: true, value: handle(message) };
  } catch (error) {
    reply = {
      id: message.id,
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
  process.send?.(reply);
});
process.on('disconnect', () => {
  void aws.close().finally(() => process.exit(0));
});
process.send?.({ id: 0, ok: true, value: { endpoint: aws.endpoint, region: aws.ec2.region } } satisfies ChildReply);
