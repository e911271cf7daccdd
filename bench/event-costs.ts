import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { handleEndpointEvent } from '../functions/aws/handlers/endpoint-events.ts';
import type { Notifier } from '../functions/core/ports.ts';
import type { RunReport } from '../functions/core/report.ts';
import {
  AWS_SCENARIO,
  createEndpointThroughApi,
  createScenarioRuntime,
  deleteEndpointThroughApi,
  modifyEndpointThroughApi,
  sampleAwsEvent,
  startAwsScenario,
} from '../local/demo-scenario.ts';

/** AWS calls one endpoint event cost, by operation, from the local AWS's request log. */
export type EventCalls = Readonly<Record<string, number>>;

export interface EventCosts {
  /** The first event a new (cold) function instance handles: it learns the AZ ids and looks the zone up. */
  readonly coldCreate: EventCalls;
  /** Events on a warm instance (the zone look-up younger than its TTL, the AZ ids known). */
  readonly create: EventCalls;
  readonly modify: EventCalls;
  readonly delete: EventCalls;
  /** Every event's report, to check that each converged and verified. */
  readonly reports: readonly RunReport[];
}

/**
 * Replays CreateVpcEndpoint, ModifyVpcEndpoint and DeleteVpcEndpoints events (the samples in events/aws/) through the
 * real endpoint-event handler and SDK clients against the local AWS, counting each event's calls. EC2 keeps a deleted
 * endpoint visible for a while (here a minute), as it does after DeleteVpcEndpoints, so the delete event finds its VPC.
 *
 * Sequence on one runtime: create A in three AZs (cold), modify A (one subnet removed), delete A, create B in two of
 * the AZs — each event verified by re-reading the zone after its write. A modify that moves an endpoint into an AZ the
 * instance has not seen yet costs one DescribeSubnets more.
 */
export async function measureEventCosts(): Promise<EventCosts> {
  const scenario = await startAwsScenario({ deletedVisibleMs: 60_000 });
  try {
    const reports: RunReport[] = [];
    const notifier: Notifier = { notify: async (report) => void reports.push(report) };
    const runtime = await createScenarioRuntime(
      scenario,
      { owner: 'event-costs', mappings: [{ service: scenario.service, domain: AWS_SCENARIO.domain }] },
      {
        logger: new Logger({ logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'linkdns', serviceName: 'linkdns-bench' }),
        notifier,
      },
    );
    const [a, b, c] = scenario.subnetIds as [string, string, string];
    const replay = async (file: string, endpointId: string): Promise<EventCalls> => {
      scenario.aws.requests.reset();
      await handleEndpointEvent(sampleAwsEvent(file, { endpointId }), runtime);
      return scenario.aws.requests.byOperation();
    };
    const first = await createEndpointThroughApi(scenario, [a, b, c]);
    const coldCreate = await replay('create-vpc-endpoint.json', first);
    await modifyEndpointThroughApi(scenario, first, { remove: [a] });
    const modify = await replay('modify-vpc-endpoint.json', first);
    await deleteEndpointThroughApi(scenario, first);
    const deleted = await replay('delete-vpc-endpoints.json', first);
    const second = await createEndpointThroughApi(scenario, [a, b]);
    const create = await replay('create-vpc-endpoint.json', second);
    return { coldCreate, create, modify, delete: deleted, reports };
  } finally {
    await scenario.aws.close();
  }
}

/** Sum of an event's calls. */
export function totalCalls(calls: EventCalls): number {
  return Object.values(calls).reduce((sum, count) => sum + count, 0);
}
