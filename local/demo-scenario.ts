import { readFileSync } from 'node:fs';
import { CreateVpcEndpointCommand, DeleteVpcEndpointsCommand, ModifyVpcEndpointCommand } from '@aws-sdk/client-ec2';
import { type Change, ChangeResourceRecordSetsCommand, type RRType } from '@aws-sdk/client-route-53';
import { handleEndpointEvent } from '../functions/aws/handlers/endpoint-events.ts';
import { type AwsRuntime, type AwsRuntimeOptions, createAwsRuntime } from '../functions/aws/runtime.ts';
import { readAwsSettings } from '../functions/aws/settings.ts';
import { createAzureAdapters } from '../functions/azure/adapters.ts';
import { isCaller, parseResourceEvent, recordSetChange } from '../functions/azure/event-grid-events.ts';
import type { AzureHandlers } from '../functions/azure/handlers.ts';
import { type AzureSettings, readAzureSettings } from '../functions/azure/settings.ts';
import type { AwsHandlerName, AzureInvocation } from '../functions/cli/invoke.ts';
import { type RunConfigSource, staticRunConfig } from '../functions/confluent/run-config.ts';
import type { LinkdnsConfig } from '../functions/core/config.ts';
import type { DnsProvider, EndpointSource } from '../functions/core/ports.ts';
import { type AwsBrownfield, seedAwsBrownfield } from './aws/brownfield.ts';
import type { LocalEc2Options } from './aws/ec2-state.ts';
import { LOCAL_CREDENTIALS, type LocalAwsCloud, startLocalAws } from './aws/index.ts';
import { type LocalAzure, startLocalAzure } from './azure/arm-server.ts';
import { type AzureRecordType, RECORD_TYPES, recordSetId, resourceId } from './azure/arm-store.ts';
import { type AzureBrownfield, seedAzureBrownfield } from './azure/brownfield.ts';
import { localAzureClientOptions, localAzureCredential } from './azure/client-options.ts';
import { aRecords, deletePrivateEndpoint, putRecordSet, seedFromAzCli } from './azure/seed.ts';

/**
 * The Confluent-like world that `npm start` and `linkdns invoke --local` run in, and the AWS tests' harness builds on:
 * a multi-AZ AWS PrivateLink setup and three Azure Private Link endpoints, in the local clouds, with the same ids the
 * samples in `events/` name, so those samples replay against it unchanged.
 */

const EVENTS = new URL('../events/', import.meta.url);

/** Reads a JSON file under `events/`, wherever the process was started from. */
export function readEventFile(relativePath: string): unknown {
  return JSON.parse(readFileSync(new URL(relativePath, EVENTS), 'utf8'));
}

// --- AWS --------------------------------------------------------------------------------------------------------

export const AWS_SCENARIO = {
  region: 'us-east-2',
  /** Confluent's `dns_domain` of a dedicated cluster (PRODUCT.md §2). */
  domain: 'pr1jy6.us-east-2.aws.confluent.cloud',
  owner: 'linkdns-demo',
  /** The ids the samples in `events/aws/` name. */
  sample: {
    endpointId: 'vpce-0f1e2d3c4b5a69788',
    serviceName: 'com.amazonaws.vpce.us-east-2.vpce-svc-01234567890abcdef',
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    /** One subnet per AZ: us-east-2a, us-east-2b, us-east-2c. */
    subnetIds: ['subnet-0aa1111111111111a', 'subnet-0bb2222222222222b', 'subnet-0cc3333333333333c'],
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  },
} as const;

export interface AwsScenario {
  readonly aws: LocalAwsCloud;
  readonly domain: string;
  readonly region: string;
  /** The Confluent-like endpoint service (no acceptance required, all three AZs). */
  readonly service: string;
  readonly vpcId: string;
  /** Subnets in AZ order a, b, c. */
  readonly subnetIds: readonly string[];
  /** The private zone for the domain, associated with the VPC. */
  readonly zoneId: string;
  /** A public zone of the same name, which linkdns must never touch. */
  readonly publicZoneId: string;
  /** The unrelated endpoints, VPCs and zone of a real account, when started with `brownfield: true`. */
  readonly brownfield?: AwsBrownfield;
}

export interface AwsScenarioOptions extends LocalEc2Options {
  /** Seed the unrelated resources of a real account around the scenario (`local/aws/brownfield.ts`). */
  readonly brownfield?: boolean;
}

/**
 * Starts the local AWS and seeds it: the endpoint service, a VPC with one subnet per AZ, the private zone for the
 * domain and a same-named public zone; with `brownfield`, also everything else a real account holds
 * ({@link seedAwsBrownfield}). No Confluent endpoint yet: create one with {@link createEndpointThroughApi} (as
 * Terraform would) or {@link seedSampleEndpoint} (with the samples' id). Other options go to the local EC2 (e.g.
 * `IMMEDIATE_LIFECYCLE`).
 */
export async function startAwsScenario(options: AwsScenarioOptions = {}): Promise<AwsScenario> {
  const { region, domain, sample } = AWS_SCENARIO;
  const { brownfield, ...ec2Options } = options;
  const aws = await startLocalAws({ ...ec2Options, region });
  const service = aws.ec2.addEndpointService({ serviceName: sample.serviceName, acceptanceRequired: false });
  const vpcId = aws.ec2.addVpc({ vpcId: sample.vpcId, cidrBlock: '10.40.0.0/16' });
  const subnetIds = sample.subnetIds.map(
    (subnetId, index) => aws.ec2.addSubnet({ vpcId, subnetId, availabilityZone: `${region}${'abc'[index]}` }).subnetId,
  );
  const zone = aws.route53.createZone({ name: domain, private: true, vpcs: [{ region, id: vpcId }] });
  const publicZone = aws.route53.createZone({ name: domain, private: false });
  const world = brownfield ? { brownfield: seedAwsBrownfield(aws.ec2, aws.route53, { vpcId, subnetIds }) } : {};
  return { aws, domain, region, service, vpcId, subnetIds, zoneId: zone.id, publicZoneId: publicZone.id, ...world };
}

/** A linkdns configuration mapping the scenario's endpoint service to its domain; `overrides` are merged on top. */
export function awsScenarioConfig(
  scenario: AwsScenario,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    owner: AWS_SCENARIO.owner,
    mappings: [{ service: scenario.service, domain: scenario.domain }],
    ...overrides,
  };
}

/**
 * The AWS runtime of the Lambda handlers, pointed at the local AWS: real SDK clients over HTTP, settings read by the
 * real `readAwsSettings`. `environment` adds or overrides settings (e.g. `LINKDNS_REPAIR_MODE`).
 */
export function createScenarioRuntime(
  scenario: AwsScenario,
  config: Record<string, unknown>,
  options: Omit<AwsRuntimeOptions, 'credentials'> = {},
  environment: Readonly<Record<string, string>> = {},
): Promise<AwsRuntime> {
  const settings = readAwsSettings({
    AWS_REGION: scenario.region,
    LINKDNS_AWS_ENDPOINT: scenario.aws.endpoint,
    LINKDNS_CONFIG: JSON.stringify(config),
    ...environment,
  });
  return createAwsRuntime(settings, { ...options, credentials: LOCAL_CREDENTIALS });
}

/** CreateVpcEndpoint through the real EC2 API, as Terraform would; returns the new endpoint's id. */
export async function createEndpointThroughApi(
  scenario: AwsScenario,
  subnetIds: readonly string[] = scenario.subnetIds,
  tags?: Readonly<Record<string, string>>,
): Promise<string> {
  const { VpcEndpoint } = await scenario.aws.clients.ec2.send(
    new CreateVpcEndpointCommand({
      VpcId: scenario.vpcId,
      ServiceName: scenario.service,
      VpcEndpointType: 'Interface',
      SubnetIds: [...subnetIds],
      ...(tags
        ? {
            TagSpecifications: [
              { ResourceType: 'vpc-endpoint', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
            ],
          }
        : {}),
    }),
  );
  if (!VpcEndpoint?.VpcEndpointId) throw new Error('CreateVpcEndpoint returned no endpoint id');
  return VpcEndpoint.VpcEndpointId;
}

/** ModifyVpcEndpoint (subnets) through the real EC2 API. */
export async function modifyEndpointThroughApi(
  scenario: AwsScenario,
  id: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
): Promise<void> {
  await scenario.aws.clients.ec2.send(
    new ModifyVpcEndpointCommand({
      VpcEndpointId: id,
      AddSubnetIds: [...(change.add ?? [])],
      RemoveSubnetIds: [...(change.remove ?? [])],
    }),
  );
}

/** DeleteVpcEndpoints through the real EC2 API. */
export async function deleteEndpointThroughApi(scenario: AwsScenario, id: string): Promise<void> {
  await scenario.aws.clients.ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] }));
}

/**
 * Seeds the 3-AZ endpoint with the id the samples name (the EC2 API cannot choose ids, so this goes straight to the
 * local EC2's state). Returns the id.
 */
export function seedSampleEndpoint(scenario: AwsScenario, id: string = AWS_SCENARIO.sample.endpointId): string {
  return scenario.aws.ec2.createEndpoint({
    endpointId: id,
    vpcId: scenario.vpcId,
    serviceName: scenario.service,
    type: 'Interface',
    subnetIds: scenario.subnetIds,
  }).VpcEndpointId;
}

/**
 * A sample from `events/aws/`, with the samples' endpoint id and hosted zone id replaced by the given ones (a
 * textual replacement: the ids appear in several places of a CloudTrail record).
 */
export function sampleAwsEvent(file: string, ids: { endpointId?: string; hostedZoneId?: string } = {}): unknown {
  let text = JSON.stringify(readEventFile(`aws/${file}`));
  if (ids.endpointId) text = text.replaceAll(AWS_SCENARIO.sample.endpointId, ids.endpointId);
  if (ids.hostedZoneId) text = text.replaceAll(AWS_SCENARIO.sample.hostedZoneId, ids.hostedZoneId);
  return JSON.parse(text);
}

/** The scenario zone's record sets as `name TYPE value,value` lines, without SOA, NS and the ownership registry. */
export function awsZoneLines(scenario: AwsScenario, zoneId: string = scenario.zoneId): string[] {
  return scenario.aws.route53
    .recordSets(zoneId)
    .filter((set) => set.type !== 'SOA' && set.type !== 'NS' && !set.name.startsWith('_linkdns.'))
    .map((set) => `${set.name} ${set.type} ${(set.values ?? []).join(',')}`)
    .sort();
}

/**
 * Sends the change batch a CloudTrail `ChangeResourceRecordSets` event records, through the real Route 53 API, to the
 * scenario's private zone: the edit a person made, replayed. CloudTrail spells the fields in lower camel case
 * (`resourceRecordSet.tTL`, `resourceRecords[].value`).
 *
 * @returns the changes sent, as `ACTION name TYPE value,…` lines
 */
export async function replayZoneChange(scenario: AwsScenario, event: unknown): Promise<string[]> {
  const request = (event as { detail?: { requestParameters?: { changeBatch?: { changes?: unknown } } } }).detail
    ?.requestParameters;
  const recorded = Array.isArray(request?.changeBatch?.changes) ? request.changeBatch.changes : [];
  const changes: Change[] = recorded.map((item: unknown) => {
    const { action, resourceRecordSet: set } = item as {
      action: string;
      resourceRecordSet: { name: string; type: string; tTL?: number; resourceRecords?: { value: string }[] };
    };
    return {
      Action: action as Change['Action'],
      ResourceRecordSet: {
        Name: set.name,
        Type: set.type as RRType,
        ...(set.tTL === undefined ? {} : { TTL: set.tTL }),
        ResourceRecords: (set.resourceRecords ?? []).map((record) => ({ Value: record.value })),
      },
    };
  });
  if (changes.length === 0) return [];
  await scenario.aws.clients.route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: scenario.zoneId,
      ChangeBatch: { Comment: 'edited by hand', Changes: changes },
    }),
  );
  return changes.map(
    (change) =>
      `${change.Action} ${change.ResourceRecordSet?.Name} ${change.ResourceRecordSet?.Type} ${(change.ResourceRecordSet?.ResourceRecords ?? []).map((record) => record.Value).join(',')}`,
  );
}

/** An event made ready for the local AWS, and what was done to the local AWS so the event tells the truth. */
export interface StagedEvent {
  readonly event: unknown;
  readonly notes: readonly string[];
}

/**
 * Makes the local AWS the world a sample event describes, so replaying it shows what the handler does in that
 * situation. The 3-AZ endpoint with the samples' id is always seeded; then:
 * - `CreateVpcEndpoint`, SNS notifications: nothing more — the zone is empty and the handler creates the records;
 * - `ModifyVpcEndpoint`: the records are in place and the subnets the event adds or removes are changed through EC2;
 * - `DeleteVpcEndpoints`: the records are in place and the endpoint is deleted through EC2;
 * - Route 53 zone events: the records are in place and the event's change batch is replayed through Route 53 (the
 *   event's hosted zone id, unknown locally, is replaced by the scenario's private zone);
 * - the scheduled repair: the zone is empty, as if the create event had been lost.
 *
 * @param quiet a runtime without notifications, used to put the records in place with the real endpoint handler
 */
export async function stageAwsEvent(
  scenario: AwsScenario,
  quiet: AwsRuntime,
  handler: AwsHandlerName,
  event: unknown,
): Promise<StagedEvent> {
  const id = seedSampleEndpoint(scenario);
  const notes = [
    `seeded endpoint ${id} (${scenario.subnetIds.length} AZs) of ${scenario.service} in ${scenario.vpcId}; ` +
      `private zone ${scenario.domain} (${scenario.zoneId})`,
  ];
  const detail = (event as { detail?: { eventName?: unknown; requestParameters?: Record<string, unknown> } }).detail;
  const eventName = typeof detail?.eventName === 'string' ? detail.eventName : undefined;
  const putRecordsInPlace = async () => {
    const report = await handleEndpointEvent(sampleAwsEvent('create-vpc-endpoint.json'), quiet);
    if (!('zones' in report) || report.zones.some((zone) => zone.outcome !== 'changed')) {
      throw new Error(`could not put the scenario's records in place: ${JSON.stringify(report)}`);
    }
    notes.push(`put the endpoint's records in place (the create event, handled earlier)`);
  };

  if (handler === 'endpoint-events' && eventName === 'ModifyVpcEndpoint') {
    await putRecordsInPlace();
    const request = (detail?.requestParameters?.ModifyVpcEndpointRequest ?? detail?.requestParameters) as
      | Record<string, unknown>
      | undefined;
    const known = (ids: string[]) => ids.filter((subnet) => scenario.subnetIds.includes(subnet));
    const add = known(subnetIdsIn(request?.AddSubnetId));
    const remove = known(subnetIdsIn(request?.RemoveSubnetId));
    if (add.length + remove.length > 0) {
      await modifyEndpointThroughApi(scenario, id, { add, remove });
      notes.push(
        `ModifyVpcEndpoint through EC2: ${[...add.map((s) => `+${s}`), ...remove.map((s) => `-${s}`)].join(' ')}`,
      );
    } else {
      notes.push('the event changes no subnet of the scenario; the endpoint is left as it is');
    }
  } else if (handler === 'endpoint-events' && eventName === 'DeleteVpcEndpoints') {
    await putRecordsInPlace();
    await deleteEndpointThroughApi(scenario, id);
    notes.push(`DeleteVpcEndpoints ${id} through EC2`);
  } else if (handler === 'zone-events') {
    await putRecordsInPlace();
    const request = detail?.requestParameters as { hostedZoneId?: unknown; id?: unknown } | undefined;
    const zoneId = String(request?.hostedZoneId ?? request?.id ?? '').replace(/^\/?hostedzone\//, '');
    let staged = event;
    if (zoneId && !scenario.aws.route53.zones.has(zoneId)) {
      staged = JSON.parse(JSON.stringify(event).replaceAll(zoneId, scenario.zoneId));
      notes.push(`hosted zone ${zoneId} of the event is the scenario's private zone ${scenario.zoneId} here`);
    }
    if (eventName === 'ChangeResourceRecordSets') {
      try {
        for (const line of await replayZoneChange(scenario, staged)) notes.push(`someone else: ${line}`);
      } catch (error) {
        notes.push(`the event's change batch could not be replayed (${(error as Error).message}); zone left as it is`);
      }
    }
    return { event: staged, notes };
  } else if (handler === 'scheduled-repair') {
    notes.push('the zone is empty, as if the create event had been lost');
  }
  return { event, notes };
}

/** Subnet ids in a CloudTrail request field: a string, `{ tag, content }` items, or lists of either. */
function subnetIdsIn(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('subnet-') ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(subnetIdsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(subnetIdsIn);
  return [];
}

// --- Azure ------------------------------------------------------------------------------------------------------

/** The world of the samples in `events/azure/` (subscription, resource groups, the linkdns identity). */
export const AZURE_SCENARIO = {
  subscriptionId: '8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04',
  dnsResourceGroup: 'rg-private-dns',
  endpointResourceGroup: 'rg-confluent-network',
  /** Object id of the Function App's identity; `record-set-write-by-linkdns.json` carries it. */
  linkdnsObjectId: '6b0c4f1e-2a3d-4c5b-9e8f-7a1b2c3d4e5f',
  /** The dedicated cluster's domain: three endpoints, one per zone (`*.az1`..`*.az3`). */
  domain: 'p8xo76.centralus.azure.confluent.cloud',
} as const;

export interface AzureScenario {
  readonly azure: LocalAzure;
  readonly settings: AzureSettings;
  /** Adapters over the real Azure SDK clients, pointed at the local Azure. */
  readonly endpoints: EndpointSource;
  readonly dns: DnsProvider;
  /** What the endpoint source selects by, and what the handlers get as `runConfig`. */
  readonly runConfig: RunConfigSource;
  /** The unrelated private endpoints and `privatelink.*` zones of a real subscription, with `brownfield: true`. */
  readonly brownfield?: AzureBrownfield;
}

/**
 * Starts the local Azure with the private endpoints and NICs of `events/azure/cli/` (three endpoints of the dedicated
 * cluster in zones 1–3, one PrivateLink attachment endpoint in another VNet) and the settings of
 * `events/azure/cli/linkdns-config.json`. No DNS zone yet: the configuration opts in to creating it.
 */
export async function startAzureScenario(
  config?: Record<string, unknown>,
  options: {
    readonly runConfig?: (config: LinkdnsConfig) => RunConfigSource;
    readonly brownfield?: boolean;
  } = {},
): Promise<AzureScenario> {
  const azure = await startLocalAzure();
  seedFromAzCli(azure.state, [
    ...(readEventFile('azure/cli/private-endpoints.json') as Record<string, unknown>[]),
    ...(readEventFile('azure/cli/network-interfaces.json') as Record<string, unknown>[]),
  ]);
  const world = options.brownfield
    ? {
        brownfield: seedAzureBrownfield(azure.state, {
          subscriptionId: AZURE_SCENARIO.subscriptionId,
          networkResourceGroup: AZURE_SCENARIO.endpointResourceGroup,
          dnsResourceGroup: AZURE_SCENARIO.dnsResourceGroup,
          vnetName: 'vnet-kafka-clients',
        }),
      }
    : {};
  const settings = readAzureSettings({
    LINKDNS_CONFIG: JSON.stringify(config ?? readEventFile('azure/cli/linkdns-config.json')),
    AZURE_SUBSCRIPTION_ID: AZURE_SCENARIO.subscriptionId,
    LINKDNS_DNS_RESOURCE_GROUP: AZURE_SCENARIO.dnsResourceGroup,
    LINKDNS_IDENTITY_OBJECT_ID: AZURE_SCENARIO.linkdnsObjectId,
  });
  const runConfig = options.runConfig?.(settings.config) ?? staticRunConfig(settings.config);
  const { endpoints, dns } = createAzureAdapters(settings, localAzureCredential, {
    clientOptions: localAzureClientOptions(azure.baseUrl),
    currentConfig: runConfig.current,
  });
  return { azure, settings, endpoints, dns, runConfig, ...world };
}

/** Resource id of the Private DNS zone named `domain` in the scenario's DNS resource group. */
export function azureZoneId(domain: string = AZURE_SCENARIO.domain): string {
  return resourceId(AZURE_SCENARIO.subscriptionId, AZURE_SCENARIO.dnsResourceGroup, 'privatednszones', domain);
}

/** A record set written out of band by the staging of a "someone else wrote it" event (TEST-NET-1). */
export const FOREIGN_ADDRESS = '192.0.2.10';

/**
 * Makes the local Azure the world a batch of sample events describes. The fixture endpoints exist and the zone does
 * not (the configuration opts in to creating it); when the batch holds an endpoint delete or a record-set event, the
 * records are first put in place with the real endpoint handler, then:
 * - an endpoint delete: the endpoint and its NIC are deleted;
 * - a record set written by someone else: its values become {@link FOREIGN_ADDRESS} (metadata kept, as an edit in
 *   the portal keeps it); deleted by someone else: it is deleted;
 * - a record set written by linkdns itself: left as linkdns wrote it.
 *
 * @param quiet handlers without notifications, used to put the records in place
 * @returns notes on what was done
 */
export async function stageAzureEvents(
  scenario: AzureScenario,
  quiet: AzureHandlers,
  context: Parameters<AzureHandlers['privateEndpointEvents']>[1],
  invocations: readonly AzureInvocation[],
): Promise<string[]> {
  const notes = ['seeded the private endpoints of events/azure/cli/ (confluent-n-p8xo76-1..3 in zones 1–3)'];
  const parsed = invocations.map(({ handler, event }) => {
    try {
      return { handler, event: parseResourceEvent(event) };
    } catch {
      return undefined; // malformed: the handler itself rejects it
    }
  });
  const isDelete = (eventType: string) => /ResourceDeleteSuccess$/i.test(eventType);
  if (!parsed.some((item) => item && (item.handler === 'privateDnsRecordEvents' || isDelete(item.event.eventType)))) {
    return notes;
  }
  const result = await quiet.privateEndpointEvents(readEventFile('azure/private-endpoint-write.json'), context);
  if (result.outcome !== 'reconciled' || result.report.zones.some((zone) => zone.outcome !== 'changed')) {
    throw new Error(`could not put the scenario's records in place: ${JSON.stringify(result)}`);
  }
  notes.push(`put the records of ${AZURE_SCENARIO.domain} in place (the endpoint write event, handled earlier)`);
  const store = scenario.azure.state;
  for (const item of parsed) {
    if (!item) continue;
    const { event } = item;
    if (item.handler === 'privateEndpointEvents') {
      if (isDelete(event.eventType) && store.get(event.resourceUri)) {
        deletePrivateEndpoint(store, event.resourceUri);
        notes.push(`deleted private endpoint ${event.resourceUri.split('/').at(-1)} and its NIC`);
      }
      continue;
    }
    const change = recordSetChange(event);
    if (typeof change === 'string') continue;
    const label = `${change.type} ${change.relativeName} in ${change.zone}`;
    const type = RECORD_TYPES.find((known) => known === change.type) as AzureRecordType | undefined;
    const zone = resourceId(AZURE_SCENARIO.subscriptionId, change.resourceGroup, 'privatednszones', change.zone);
    if (isCaller(event, AZURE_SCENARIO.linkdnsObjectId)) {
      notes.push(`record set ${label}: written by linkdns itself, left as it is`);
    } else if (isDelete(event.eventType) && type) {
      store.delete(recordSetId(zone, type, change.relativeName));
      notes.push(`someone else deleted record set ${label}`);
    } else if (type === 'A' && store.get(zone)) {
      // An edit of the values in the portal keeps the record set's metadata, and with it linkdns's ownership mark.
      const existing = store.get(recordSetId(zone, 'A', change.relativeName));
      const metadata = existing?.properties.metadata as Record<string, string> | undefined;
      putRecordSet(store, zone, 'A', change.relativeName, aRecords([FOREIGN_ADDRESS], 60, metadata));
      notes.push(`someone else set record set ${label} to ${FOREIGN_ADDRESS}`);
    }
  }
  return notes;
}
