import { readFileSync } from 'node:fs';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { InvocationContext, output, type StorageQueueOutput, type Timer } from '@azure/functions';
import { type AzureHandlerResult, type AzureHandlers, createAzureHandlers } from '../../functions/azure/handlers.ts';
import { AzurePrivateDnsZones } from '../../functions/azure/private-dns-zones.ts';
import { azureEndpointOptions } from '../../functions/azure/private-endpoint-mapping.ts';
import { AzurePrivateEndpoints } from '../../functions/azure/private-endpoint-source.ts';
import { withRequestTimeout } from '../../functions/azure/request-timeout-policy.ts';
import { type AzureSettings, readAzureSettings, SWEEP_QUEUE } from '../../functions/azure/settings.ts';
import { endpointSelector } from '../../functions/core/endpoint-selection.ts';
import type { Notifier } from '../../functions/core/ports.ts';
import type { RunReport } from '../../functions/core/report.ts';
import type { SweepQueued } from '../../functions/core/sweep.ts';
import { DEFAULT_REQUEST_TIMEOUTS } from '../../functions/request-timeouts.ts';
import { type LocalAzure, startLocalAzure } from '../../local/azure/arm-server.ts';
import { resourceId } from '../../local/azure/arm-store.ts';
import { localAzureClientOptions, localAzureCredential } from '../../local/azure/client-options.ts';
import { seedFromAzCli, zoneSnapshot } from '../../local/azure/seed.ts';

/** The world of the Azure tests: the fixtures' subscription, resource groups, VNets and Confluent domains. */
export const SUBSCRIPTION = '8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04';
export const DNS_RG = 'rg-private-dns';
export const ENDPOINT_RG = 'rg-confluent-network';
export const LINKDNS_OBJECT_ID = '6b0c4f1e-2a3d-4c5b-9e8f-7a1b2c3d4e5f';
export const DEDICATED = 'p8xo76.centralus.azure.confluent.cloud';
export const ATTACHMENT = 'centralus.azure.private.confluent.cloud';
export const KAFKA_VNET = `/subscriptions/${SUBSCRIPTION}/resourcegroups/${ENDPOINT_RG}/providers/microsoft.network/virtualnetworks/vnet-kafka-clients`;
export const HUB_VNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;

export const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** The A records of the fixtures' three dedicated endpoints (zones 1–3), as `zone()` shows them. */
export const DEDICATED_RECORDS = {
  'A *': ['10.20.1.4', '10.20.1.5', '10.20.1.6'],
  'A *.az1': ['10.20.1.4'],
  'A *.az2': ['10.20.1.5'],
  'A *.az3': ['10.20.1.6'],
};

/** The run report of a handler result that reconciled. */
export function reportOf(result: AzureHandlerResult | SweepQueued): RunReport {
  if (result.outcome !== 'reconciled') throw new Error(`expected a reconciled run, got ${JSON.stringify(result)}`);
  return result.report;
}

/** The A record sets of a zone snapshot (what linkdns writes), without SOA, TXT and others. */
export function aRecordSets(snapshot: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snapshot).filter(([key]) => key.startsWith('A ')));
}
export const baseConfig = readJson('events/azure/cli/linkdns-config.json') as Record<string, unknown>;

export function endpointId(name: string): string {
  return resourceId(SUBSCRIPTION, ENDPOINT_RG, 'privateendpoints', name);
}

export function zoneId(domain: string): string {
  return resourceId(SUBSCRIPTION, DNS_RG, 'privatednszones', domain);
}

type EventSample = { subject: string; data: Record<string, unknown> & { authorization: { scope: string } } };

/** An endpoint event from the samples in events/azure, re-pointed at `name`. */
export function endpointEvent(kind: 'write' | 'delete', name: string, id = `${kind}-${name}`): EventSample {
  const sample = structuredClone(readJson(`events/azure/private-endpoint-${kind}.json`)) as EventSample & {
    id: string;
  };
  const uri = sample.subject.replace(/[^/]+$/, name);
  sample.id = id;
  sample.subject = uri;
  sample.data.resourceUri = uri;
  sample.data.authorization.scope = uri;
  return sample;
}

export interface AzureHarness {
  readonly azure: LocalAzure;
  readonly handlers: AzureHandlers;
  /** The sweep queue's output binding the coordinator writes to. */
  readonly sweepQueue: StorageQueueOutput;
  readonly settings: AzureSettings;
  readonly notified: RunReport[];
  readonly logs: string[];
  context(functionName?: string): InvocationContext;
  timer(): Timer;
  /** `{ 'A *': [...], 'TXT _linkdns': [...] }` of the zone named `domain` in the DNS resource group. */
  zone(domain: string): Record<string, string[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly config?: Record<string, unknown>;
  readonly pageSize?: number;
  readonly timeoutMs?: number;
  /** Per-attempt timeout of every ARM request. Default: DEFAULT_REQUEST_TIMEOUTS. */
  readonly requestTimeoutMs?: number;
  readonly detectOnly?: boolean;
  /** Seed the fixture endpoints and NICs (events/azure/cli). Default true. */
  readonly seedFixtures?: boolean;
  /** Where the Private DNS zones live (hub-and-spoke: a connectivity subscription). Default SUBSCRIPTION / DNS_RG. */
  readonly dns?: { readonly subscriptionId: string; readonly resourceGroup: string };
}

/** Starts the local Azure with the fixture endpoints and wires the real handlers to it through the real SDK clients. */
export async function startAzureHarness(options: HarnessOptions = {}): Promise<AzureHarness> {
  const azure = await startLocalAzure({ pageSize: options.pageSize ?? 100 });
  if (options.seedFixtures ?? true) {
    seedFromAzCli(azure.state, [
      ...(readJson('events/azure/cli/private-endpoints.json') as Record<string, unknown>[]),
      ...(readJson('events/azure/cli/network-interfaces.json') as Record<string, unknown>[]),
    ]);
  }
  // The timeout policy production adds (createAzureAdapters), on the local Azure's HTTP client.
  const clientOptions = withRequestTimeout(localAzureClientOptions(azure.baseUrl), {
    requestMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUTS.requestMs,
  });
  const dnsAt = options.dns ?? { subscriptionId: SUBSCRIPTION, resourceGroup: DNS_RG };
  const settings = readAzureSettings({
    LINKDNS_CONFIG: JSON.stringify(options.config ?? baseConfig),
    AZURE_SUBSCRIPTION_ID: SUBSCRIPTION,
    LINKDNS_DNS_SUBSCRIPTION_ID: dnsAt.subscriptionId,
    LINKDNS_DNS_RESOURCE_GROUP: dnsAt.resourceGroup,
    LINKDNS_IDENTITY_OBJECT_ID: LINKDNS_OBJECT_ID,
    LINKDNS_REPAIR_DETECT_ONLY: options.detectOnly ? 'true' : 'false',
  });
  const notified: RunReport[] = [];
  const notifier: Notifier = {
    notify: async (report) => {
      notified.push(report);
    },
  };
  // The coordinator's output binding, as functions.ts registers it: its messages are in `context.extraOutputs`.
  const sweepQueue = output.storageQueue({ queueName: SWEEP_QUEUE.name, connection: SWEEP_QUEUE.connection });
  const handlers = createAzureHandlers({
    sweepQueue,
    endpoints: new AzurePrivateEndpoints({
      client: new NetworkManagementClient(localAzureCredential, SUBSCRIPTION, clientOptions),
      subscriptionId: SUBSCRIPTION,
      endpoint: azureEndpointOptions(settings.config),
      select: endpointSelector(settings.config),
    }),
    dns: new AzurePrivateDnsZones({
      client: new PrivateDnsManagementClient(localAzureCredential, settings.dnsSubscriptionId, clientOptions),
      resourceGroup: settings.dnsResourceGroup,
      owner: settings.config.owner,
      extraNetworks: settings.config.zones.extraNetworks,
    }),
    settings,
    notifier,
    now: () => new Date('2026-11-26T04:00:00Z'),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const logs: string[] = [];
  return {
    azure,
    handlers,
    sweepQueue,
    settings,
    notified,
    logs,
    context: (functionName = 'test') =>
      new InvocationContext({
        invocationId: `invocation-${logs.length}`,
        functionName,
        logHandler: (level, ...args) =>
          logs.push(`${level}: ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`),
      }),
    timer: () => ({
      isPastDue: false,
      schedule: { adjustForDST: false },
      scheduleStatus: {
        last: '2026-11-26T03:45:00Z',
        next: '2026-11-26T04:15:00Z',
        lastUpdated: '2026-11-26T03:45:00Z',
      },
    }),
    zone: (domain) =>
      zoneSnapshot(azure.state, resourceId(dnsAt.subscriptionId, dnsAt.resourceGroup, 'privatednszones', domain)),
    close: () => azure.close(),
  };
}
