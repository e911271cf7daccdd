import { Ec2ApiError } from './ec2-errors.ts';
import { type Ec2Filter, matchesFilters } from './ec2-filters.ts';
import {
  defaultAvailabilityZones,
  defaultPrivateDnsName,
  interfaceEndpointDnsNames,
  privateZoneId,
  resourceEndpointDnsName,
  vpceHostedZoneId,
} from './ec2-names.ts';

/**
 * The local EC2's world: VPCs, subnets, availability zones, endpoint services and VPC endpoints, with the lifecycle
 * AWS documents for interface endpoints. Tests seed it directly (VPCs, subnets, services), drive endpoints either
 * through the real SDK (`ec2Service`) or through the methods here, and play the provider's part (accept, reject,
 * fail).
 *
 * Behaviour taken from the AWS documentation:
 * - DNS names: https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-dns-hostnames
 *   one regional `vpce-<id>-<rand>.<service>.<region>.vpce.amazonaws.com` and one zonal name per subnet's AZ with
 *   `-<az-name>` appended to the first label.
 * - AZ names are shuffled per account, AZ ids are not: https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html
 * - States (pendingAcceptance | pending | available | deleting | deleted | rejected | failed):
 *   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html
 * - One subnet per AZ (`DuplicateSubnetsInSameZone`): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */

export type VpcEndpointState =
  | 'pendingAcceptance'
  | 'pending'
  | 'available'
  | 'deleting'
  | 'deleted'
  | 'rejected'
  | 'failed';

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html (`VpcEndpointType`) */
export type VpcEndpointType = 'Interface' | 'Gateway' | 'GatewayLoadBalancer' | 'Resource' | 'ServiceNetwork';

/** Endpoint types that connect to an endpoint service by name (the others connect to a VPC Lattice ARN). */
type ServiceEndpointType = 'Interface' | 'Gateway' | 'GatewayLoadBalancer';

/** `DnsOptions` of CreateVpcEndpoint (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html). */
export interface DnsOptions {
  /** `ipv4 | dualstack | ipv6 | service-defined`; the local EC2 serves ipv4 names only. */
  readonly dnsRecordIpType?: string;
  readonly privateDnsOnlyForInboundResolverEndpoint?: boolean;
  readonly privateDnsPreference?: string;
  readonly privateDnsSpecifiedDomains?: readonly string[];
}

export interface AvailabilityZoneRecord {
  /** Account-specific name, e.g. `us-east-2a`. */
  readonly name: string;
  /** Account-independent id, e.g. `use2-az2`. */
  readonly id: string;
}

export interface VpcRecord {
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly defaultSecurityGroupId: string;
}

export interface SubnetRecord {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly cidrBlock: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface EndpointServiceRecord {
  readonly serviceName: string;
  /** Endpoint types the service accepts: `com.amazonaws.<region>.s3` takes both Gateway and Interface endpoints. */
  readonly types: readonly VpcEndpointType[];
  /** Endpoints wait in `pendingAcceptance` until the provider accepts them. */
  readonly acceptanceRequired: boolean;
  /** AZ names the service's load balancer covers; subnets elsewhere are refused. */
  readonly availabilityZones: readonly string[];
  /** Listed in `DnsEntries` when the endpoint is created with `PrivateDnsEnabled`. */
  readonly privateDnsName?: string;
}

/** What DescribeVpcEndpoints shows of an endpoint, shaped like the SDK's `VpcEndpoint`. */
export interface VpcEndpointView {
  readonly VpcEndpointId: string;
  readonly VpcEndpointType: VpcEndpointType;
  readonly VpcId: string;
  /** Absent on `Resource` and `ServiceNetwork` endpoints, which name an ARN instead. */
  readonly ServiceName?: string;
  readonly ServiceNetworkArn?: string;
  readonly ResourceConfigurationArn?: string;
  readonly State: VpcEndpointState;
  readonly RouteTableIds: readonly string[];
  readonly SubnetIds: readonly string[];
  readonly Groups: readonly { readonly GroupId: string; readonly GroupName: string }[];
  readonly IpAddressType: 'ipv4';
  readonly PrivateDnsEnabled: boolean;
  readonly DnsOptions?: DnsOptions;
  readonly RequesterManaged: false;
  readonly NetworkInterfaceIds: readonly string[];
  readonly DnsEntries: readonly { readonly DnsName: string; readonly HostedZoneId: string }[];
  readonly CreationTimestamp: Date;
  readonly Tags: readonly { readonly Key: string; readonly Value: string }[];
  readonly OwnerId: string;
  readonly FailureReason?: string;
  readonly LastError?: { readonly Code: string; readonly Message: string };
}

export interface CreateEndpointInput {
  readonly vpcId: string;
  /** Required for Interface, Gateway and GatewayLoadBalancer endpoints. */
  readonly serviceName?: string;
  /** Required for a `ServiceNetwork` endpoint: `arn:aws:vpc-lattice:<region>:<account>:servicenetwork/sn-…`. */
  readonly serviceNetworkArn?: string;
  /** Required for a `Resource` endpoint: `arn:aws:vpc-lattice:<region>:<account>:resourceconfiguration/rcfg-…`. */
  readonly resourceConfigurationArn?: string;
  readonly dnsOptions?: DnsOptions;
  /** AWS's default is `Gateway`; the local EC2 keeps that default so a forgotten type fails as it would on AWS. */
  readonly type?: string;
  readonly subnetIds?: readonly string[];
  readonly routeTableIds?: readonly string[];
  readonly securityGroupIds?: readonly string[];
  readonly privateDnsEnabled?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  readonly clientToken?: string;
  /**
   * Seeding only (the EC2 API never lets a caller choose): the id to give the endpoint, e.g. the one a sample event in
   * `events/aws/` names, so the sample can be replayed against the local EC2 unchanged.
   */
  readonly endpointId?: string;
}

export interface LocalEc2Options {
  /** @default 'us-east-2' */
  readonly region?: string;
  /** @default '111122223333' */
  readonly accountId?: string;
  /** AZ name ↔ id pairs of this account. @default a fixed shuffle per region, e.g. us-east-2a ↔ use2-az2 */
  readonly availabilityZones?: readonly AvailabilityZoneRecord[];
  /** Clock for creation times and the lifecycle below. @default Date.now */
  readonly now?: () => number;
  /** Seed for ids, random DNS labels and the DnsEntries shuffle, so runs repeat. @default 7 */
  readonly seed?: number;
  /**
   * Time a new or modified endpoint stays `pending` before `available`, as on AWS (minutes there; short here so
   * tests stay fast). Pass 0 for an endpoint that is `available` at once. @default {@link DEFAULT_LIFECYCLE}
   */
  readonly pendingMs?: number;
  /** Time a deleted endpoint shows `deleting`. @default {@link DEFAULT_LIFECYCLE} */
  readonly deletingMs?: number;
  /** Time it then shows `deleted` before it is gone from Describe. @default {@link DEFAULT_LIFECYCLE} */
  readonly deletedVisibleMs?: number;
  /** Return DnsEntries in a new random order on every read, so order reliance fails. @default true */
  readonly shuffleDnsEntries?: boolean;
}

/**
 * The local EC2's default lifecycle: an endpoint is `pending` for a moment before `available`, `deleting` before
 * `deleted`, and `deleted` a little longer before it is gone, so code that reads an endpoint right after an event
 * sees the states AWS shows (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html:
 * "the initial status is Pending"). Short, so tests stay fast; `IMMEDIATE_LIFECYCLE` turns it off.
 */
export const DEFAULT_LIFECYCLE = { pendingMs: 50, deletingMs: 50, deletedVisibleMs: 100 } as const;

/** No delays: endpoints are `available` at once and gone at once (tests that need immediacy opt in to this). */
export const IMMEDIATE_LIFECYCLE = { pendingMs: 0, deletingMs: 0, deletedVisibleMs: 0 } as const;

interface EndpointRecord {
  readonly id: string;
  readonly type: VpcEndpointType;
  readonly vpcId: string;
  /** The endpoint service; for `Resource` / `ServiceNetwork` endpoints a stand-in without a name. */
  readonly service: EndpointServiceRecord;
  readonly serviceNetworkArn?: string;
  readonly resourceConfigurationArn?: string;
  readonly dnsOptions?: DnsOptions;
  /** Seeded endpoints AWS has not finished with: they keep their state whatever the clock says. */
  held?: boolean;
  /** Random label AWS puts after the id in every DNS name. */
  readonly dnsLabel: string;
  state: VpcEndpointState;
  stateSince: number;
  /** State to return to when a modification's `pending` ends. */
  settledState: VpcEndpointState;
  subnetIds: string[];
  networkInterfaceIds: string[];
  readonly routeTableIds: string[];
  readonly securityGroupIds: string[];
  readonly privateDnsEnabled: boolean;
  readonly createdAt: number;
  readonly tags: Record<string, string>;
  failure?: { code: string; message: string };
}

/** The local EC2 state. All mutations throw {@link Ec2ApiError} with AWS's error code when AWS would refuse them. */
export class LocalEc2State {
  readonly region: string;
  readonly accountId: string;
  readonly availabilityZones: readonly AvailabilityZoneRecord[];
  private readonly vpcs = new Map<string, VpcRecord>();
  private readonly subnets = new Map<string, SubnetRecord>();
  private readonly services = new Map<string, EndpointServiceRecord>();
  private readonly endpoints = new Map<string, EndpointRecord>();
  private sortedIds: string[] | undefined;
  private readonly clientTokens = new Map<string, string>();
  private readonly now: () => number;
  private readonly pendingMs: number;
  private readonly deletingMs: number;
  private readonly deletedVisibleMs: number;
  private readonly shuffleDnsEntries: boolean;
  private seed: number;

  constructor(options: LocalEc2Options = {}) {
    this.region = options.region ?? 'us-east-2';
    this.accountId = options.accountId ?? '111122223333';
    this.availabilityZones = options.availabilityZones ?? defaultAvailabilityZones(this.region);
    this.now = options.now ?? Date.now;
    this.pendingMs = options.pendingMs ?? DEFAULT_LIFECYCLE.pendingMs;
    this.deletingMs = options.deletingMs ?? DEFAULT_LIFECYCLE.deletingMs;
    this.deletedVisibleMs = options.deletedVisibleMs ?? DEFAULT_LIFECYCLE.deletedVisibleMs;
    this.shuffleDnsEntries = options.shuffleDnsEntries ?? true;
    this.seed = options.seed ?? 7;
    for (const name of ['s3', 'dynamodb']) {
      this.addEndpointService({ serviceName: `com.amazonaws.${this.region}.${name}`, type: 'Gateway' });
    }
  }

  // --- Seeding -----------------------------------------------------------------------------------------------------

  /** Adds a VPC; returns its id. */
  addVpc(options: { vpcId?: string; cidrBlock?: string } = {}): string {
    const vpcId = options.vpcId ?? this.newId('vpc-');
    this.vpcs.set(vpcId, {
      vpcId,
      cidrBlock: options.cidrBlock ?? `10.${this.vpcs.size % 256}.0.0/16`,
      defaultSecurityGroupId: this.newId('sg-'),
    });
    return vpcId;
  }

  /** Adds a subnet in an AZ given by name (`us-east-2a`) or id (`use2-az1`); returns it. */
  addSubnet(options: {
    vpcId: string;
    availabilityZone: string;
    subnetId?: string;
    cidrBlock?: string;
    tags?: Record<string, string>;
  }): SubnetRecord {
    const vpc = this.vpcs.get(options.vpcId);
    if (!vpc) throw new Ec2ApiError('InvalidVpcID.NotFound', `The vpc ID '${options.vpcId}' does not exist`);
    const zone = this.availabilityZones.find(
      (candidate) => candidate.name === options.availabilityZone || candidate.id === options.availabilityZone,
    );
    if (!zone) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Value (${options.availabilityZone}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${this.availabilityZones.map((known) => known.name).join(', ')}.`,
      );
    }
    const index = [...this.subnets.values()].filter((subnet) => subnet.vpcId === vpc.vpcId).length;
    const subnet: SubnetRecord = {
      subnetId: options.subnetId ?? this.newId('subnet-'),
      vpcId: vpc.vpcId,
      availabilityZone: zone.name,
      availabilityZoneId: zone.id,
      cidrBlock: options.cidrBlock ?? vpc.cidrBlock.replace(/^(\d+\.\d+)\.0\.0\/16$/, `$1.${index}.0/24`),
      tags: { ...options.tags },
    };
    this.subnets.set(subnet.subnetId, subnet);
    return subnet;
  }

  /**
   * A VPC with one subnet in each of the given AZs (names or ids; default: every AZ of the region).
   * @returns the VPC id and subnets in the order of `zones`
   */
  addVpcWithSubnets(zones: readonly string[] = this.availabilityZones.map((zone) => zone.name)): {
    vpcId: string;
    subnets: SubnetRecord[];
  } {
    const vpcId = this.addVpc();
    return { vpcId, subnets: zones.map((zone) => this.addSubnet({ vpcId, availabilityZone: zone })) };
  }

  /**
   * Registers an endpoint service consumers can connect to. `acceptanceRequired` is the provider's setting: with it,
   * new endpoints wait in `pendingAcceptance` (Confluent accepts automatically for allow-listed accounts).
   * @returns the service name, `com.amazonaws.vpce.<region>.vpce-svc-<17 hex>` unless given
   */
  addEndpointService(
    options: {
      serviceName?: string;
      type?: ServiceEndpointType;
      acceptanceRequired?: boolean;
      availabilityZones?: readonly string[];
      privateDnsName?: string;
    } = {},
  ): string {
    const serviceName = options.serviceName ?? `com.amazonaws.vpce.${this.region}.${this.newId('vpce-svc-')}`;
    const type = options.type ?? 'Interface';
    const existing = this.services.get(serviceName);
    const privateDnsName =
      options.privateDnsName ??
      existing?.privateDnsName ??
      (type === 'Interface' ? defaultPrivateDnsName(serviceName, this.region) : undefined);
    const zones = (options.availabilityZones ?? this.availabilityZones.map((zone) => zone.name)).map(
      (zone) => this.availabilityZones.find((known) => known.name === zone || known.id === zone)?.name ?? zone,
    );
    this.services.set(serviceName, {
      serviceName,
      types: [...new Set([...(existing?.types ?? []), type])],
      acceptanceRequired: options.acceptanceRequired ?? false,
      availabilityZones: zones,
      ...(privateDnsName ? { privateDnsName } : {}),
    });
    return serviceName;
  }

  // --- The provider's side and inspection -----------------------------------------------------------------------

  /** The provider accepts a `pendingAcceptance` endpoint (AcceptVpcEndpointConnections). */
  acceptEndpoint(id: string): void {
    const endpoint = this.visibleRecord(id);
    if (endpoint.state !== 'pendingAcceptance') {
      throw new Ec2ApiError('IncorrectState', `Endpoint ${id} is in state ${endpoint.state}, not pendingAcceptance`);
    }
    this.enter(endpoint, this.pendingMs > 0 ? 'pending' : 'available', 'available');
  }

  /** The provider rejects the endpoint (RejectVpcEndpointConnections): its DNS names stop answering. */
  rejectEndpoint(id: string): void {
    const endpoint = this.visibleRecord(id);
    if (!['pendingAcceptance', 'pending', 'available'].includes(endpoint.state)) {
      throw new Ec2ApiError('IncorrectState', `Endpoint ${id} is in state ${endpoint.state} and cannot be rejected`);
    }
    this.enter(endpoint, 'rejected');
  }

  /** Puts the endpoint in `failed`, as AWS does when it cannot place the network interfaces. */
  failEndpoint(id: string, message = 'Insufficient free IP addresses in subnet'): void {
    const endpoint = this.visibleRecord(id);
    endpoint.failure = { code: 'InsufficientFreeAddressesInSubnet', message };
    this.enter(endpoint, 'failed');
  }

  /**
   * Seeding: puts the endpoint in `state` and keeps it there whatever the clock says, like an endpoint AWS has not
   * finished with (`deleting` for hours, `pending` on a slow provider).
   */
  holdEndpoint(id: string, state: 'pending' | 'deleting'): void {
    const endpoint = this.visibleRecord(id);
    this.enter(endpoint, state, state === 'pending' ? 'available' : state);
    endpoint.held = true;
  }

  /** The endpoint as DescribeVpcEndpoints would show it now, or `undefined` once gone. */
  endpoint(id: string): VpcEndpointView | undefined {
    const record = this.endpoints.get(id);
    return record && this.settle(record) ? this.view(record) : undefined;
  }

  /** Every endpoint Describe would show now, in id order. */
  listEndpoints(): VpcEndpointView[] {
    return this.visibleRecords().map((record) => this.view(record));
  }

  hasVpc(vpcId: string): boolean {
    return this.vpcs.has(vpcId);
  }

  subnet(id: string): SubnetRecord | undefined {
    return this.subnets.get(id);
  }

  // --- Operations (the service layer maps requests onto these) ------------------------------------------------------

  /** CreateVpcEndpoint. */
  createEndpoint(input: CreateEndpointInput): VpcEndpointView {
    if (input.clientToken) {
      const existing = this.clientTokens.get(input.clientToken);
      const record = existing ? this.endpoints.get(existing) : undefined;
      if (record && this.settle(record)) return this.view(record);
    }
    const vpc = this.vpcs.get(input.vpcId);
    if (!vpc) throw new Ec2ApiError('InvalidVpcID.NotFound', `The vpc ID '${input.vpcId}' does not exist`);
    const type = (input.type ?? 'Gateway') as VpcEndpointType;
    const service = this.serviceFor(type, input);
    // Interface, GatewayLoadBalancer and Resource endpoints place network interfaces in subnets; Gateway and
    // ServiceNetwork endpoints do not need any.
    const placed = type === 'Interface' || type === 'GatewayLoadBalancer' || type === 'Resource';
    const subnetIds = placed ? [...new Set(input.subnetIds ?? [])] : [];
    if (placed) {
      if (subnetIds.length === 0) {
        throw new Ec2ApiError('InvalidParameter', `A ${type} VPC endpoint needs at least one subnet`);
      }
      if (type === 'GatewayLoadBalancer' && subnetIds.length > 1) {
        throw new Ec2ApiError('InvalidParameter', 'A GatewayLoadBalancer VPC endpoint takes exactly one subnet');
      }
      this.checkSubnets(vpc.vpcId, service, subnetIds);
    }
    const dnsRecordIpType = input.dnsOptions?.dnsRecordIpType;
    if (dnsRecordIpType !== undefined && !['ipv4', 'service-defined'].includes(dnsRecordIpType)) {
      throw new Ec2ApiError(
        'InvalidParameter',
        `DnsRecordIpType ${dnsRecordIpType} is not supported for IpAddressType ipv4`,
      );
    }
    const id = input.endpointId ?? this.newId('vpce-');
    if (input.endpointId !== undefined) this.checkChosenEndpointId(input.endpointId);
    const now = this.now();
    const initial: VpcEndpointState = service.acceptanceRequired
      ? 'pendingAcceptance'
      : this.pendingMs > 0
        ? 'pending'
        : 'available';
    const record: EndpointRecord = {
      id,
      type,
      vpcId: vpc.vpcId,
      service,
      ...(input.serviceNetworkArn ? { serviceNetworkArn: input.serviceNetworkArn } : {}),
      ...(input.resourceConfigurationArn ? { resourceConfigurationArn: input.resourceConfigurationArn } : {}),
      ...(type === 'Interface' || type === 'Resource'
        ? { dnsOptions: { dnsRecordIpType: 'ipv4', ...input.dnsOptions } }
        : {}),
      dnsLabel: this.randomLabel(8),
      state: initial,
      stateSince: now,
      settledState: initial === 'pending' ? 'available' : initial,
      subnetIds,
      networkInterfaceIds: subnetIds.map(() => this.newId('eni-')),
      routeTableIds: type === 'Gateway' ? [...(input.routeTableIds ?? [])] : [],
      securityGroupIds:
        type === 'Interface' || type === 'Resource'
          ? input.securityGroupIds?.length
            ? [...input.securityGroupIds]
            : [vpc.defaultSecurityGroupId]
          : [],
      privateDnsEnabled: type === 'Interface' && (input.privateDnsEnabled ?? true) && !!service.privateDnsName,
      createdAt: now,
      tags: { ...input.tags },
    };
    this.endpoints.set(id, record);
    this.sortedIds = undefined;
    if (input.clientToken) this.clientTokens.set(input.clientToken, id);
    return this.view(record);
  }

  /** ModifyVpcEndpoint (subnets): removals first, then additions, as AWS checks one subnet per AZ on the result. */
  modifyEndpoint(id: string, change: { addSubnetIds?: readonly string[]; removeSubnetIds?: readonly string[] }): void {
    const endpoint = this.visibleRecord(id);
    if (endpoint.state === 'deleting' || endpoint.state === 'deleted') {
      throw new Ec2ApiError('IncorrectState', `The Vpc Endpoint '${id}' is in state ${endpoint.state}`);
    }
    const remove = change.removeSubnetIds ?? [];
    const add = [...new Set(change.addSubnetIds ?? [])];
    if (endpoint.type !== 'Interface' && (remove.length > 0 || add.length > 0)) {
      throw new Ec2ApiError('InvalidParameter', `Subnets cannot be changed on a ${endpoint.type} endpoint`);
    }
    for (const subnetId of remove) {
      if (!endpoint.subnetIds.includes(subnetId)) {
        throw new Ec2ApiError('InvalidParameter', `Subnet ${subnetId} is not associated with ${id}`);
      }
    }
    const kept = endpoint.subnetIds.filter((subnetId) => !remove.includes(subnetId));
    const result = [...kept, ...add.filter((subnetId) => !kept.includes(subnetId))];
    if (endpoint.type === 'Interface' && result.length === 0) {
      throw new Ec2ApiError('InvalidParameter', 'An Interface VPC endpoint needs at least one subnet');
    }
    this.checkSubnets(endpoint.vpcId, endpoint.service, result);
    const interfaces = new Map(
      endpoint.subnetIds.map((subnetId, index) => [subnetId, endpoint.networkInterfaceIds[index]]),
    );
    endpoint.subnetIds = result;
    endpoint.networkInterfaceIds = result.map((subnetId) => interfaces.get(subnetId) ?? this.newId('eni-'));
    if (this.pendingMs > 0 && endpoint.state === 'available') this.enter(endpoint, 'pending', 'available');
  }

  /**
   * DeleteVpcEndpoints: known endpoints go `deleting` → `deleted` → gone; unknown ids come back as unsuccessful items
   * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html).
   */
  deleteEndpoints(ids: readonly string[]): { resourceId: string; code: string; message: string }[] {
    const unsuccessful: { resourceId: string; code: string; message: string }[] = [];
    for (const id of ids) {
      const endpoint = this.endpoints.get(id);
      if (!VPC_ENDPOINT_ID.test(id)) {
        unsuccessful.push({ resourceId: id, code: 'InvalidVpcEndpointId.Malformed', message: `Invalid Id: '${id}'` });
      } else if (!endpoint || !this.settle(endpoint) || endpoint.state === 'deleted') {
        unsuccessful.push({ resourceId: id, ...notFound(id) });
      } else if (endpoint.state !== 'deleting') {
        this.enter(endpoint, 'deleting');
        this.settle(endpoint);
      }
    }
    return unsuccessful;
  }

  /**
   * DescribeVpcEndpoints: ids (all must exist), filters, keyset pagination by id.
   * @throws Ec2ApiError `InvalidVpcEndpointId.NotFound` naming the first unknown id, as AWS does
   */
  describeEndpoints(query: {
    ids: readonly string[];
    filters: readonly Ec2Filter[];
    /** Keyset paging: only endpoints whose id sorts after this one, and at most `limit` of them. */
    after?: string;
    limit?: number;
  }): VpcEndpointView[] {
    for (const id of query.ids) {
      if (!VPC_ENDPOINT_ID.test(id)) throw new Ec2ApiError('InvalidVpcEndpointId.Malformed', `Invalid Id: '${id}'`);
    }
    const missing = query.ids.find((id) => {
      const record = this.endpoints.get(id);
      return !record || !this.settle(record);
    });
    if (missing) throw new Ec2ApiError(notFound(missing).code, notFound(missing).message);
    const wanted = new Set(query.ids);
    // Filters on what a record holds as is are checked before its view is rendered (the costly part of a listing).
    const onRecord = query.filters.filter((filter) => RECORD_FILTERS.has(filter.name));
    const views: VpcEndpointView[] = [];
    const ids = this.sortedEndpointIds();
    for (let index = query.after === undefined ? 0 : firstAfter(ids, query.after); index < ids.length; index += 1) {
      if (views.length >= (query.limit ?? Number.POSITIVE_INFINITY)) break;
      const record = this.endpoints.get(ids[index] as string);
      if (!record || (wanted.size > 0 && !wanted.has(record.id))) continue;
      if (!matchesFilters(onRecord, recordFilterValues(record)) || !this.settle(record)) continue;
      const view = this.view(record);
      if (matchesFilters(query.filters, endpointFilterValues(view, this.region))) views.push(view);
    }
    return views;
  }

  /**
   * DescribeSubnets.
   * @throws Ec2ApiError `InvalidSubnetID.NotFound` for an unknown id in `SubnetId.N` (filters never throw)
   */
  describeSubnets(query: { ids: readonly string[]; filters: readonly Ec2Filter[] }): SubnetRecord[] {
    const missing = query.ids.find((id) => !this.subnets.has(id));
    if (missing) throw new Ec2ApiError('InvalidSubnetID.NotFound', `The subnet ID '${missing}' does not exist`);
    return [...this.subnets.values()]
      .filter((subnet) => query.ids.length === 0 || query.ids.includes(subnet.subnetId))
      .filter((subnet) => matchesFilters(query.filters, subnetFilterValues(subnet, this.accountId)))
      .sort((a, b) => compareIds(a.subnetId, b.subnetId));
  }

  /** DescribeAvailabilityZones. */
  describeAvailabilityZones(query: {
    names: readonly string[];
    ids: readonly string[];
    filters: readonly Ec2Filter[];
  }): AvailabilityZoneRecord[] {
    for (const requested of [...query.names, ...query.ids]) {
      if (!this.availabilityZones.some((zone) => zone.name === requested || zone.id === requested)) {
        throw new Ec2ApiError('InvalidParameterValue', `Invalid availability zone: [${requested}]`);
      }
    }
    return this.availabilityZones
      .filter(
        (zone) =>
          (query.names.length === 0 && query.ids.length === 0) ||
          query.names.includes(zone.name) ||
          query.ids.includes(zone.id),
      )
      .filter((zone) =>
        matchesFilters(query.filters, {
          'zone-name': [zone.name],
          'zone-id': [zone.id],
          'region-name': [this.region],
          state: ['available'],
          'zone-type': ['availability-zone'],
          'group-name': [this.region],
          'opt-in-status': ['opt-in-not-required'],
        }),
      );
  }

  // --- Internals -------------------------------------------------------------------------------------------------

  /** The endpoint service an endpoint of `type` connects to, or a nameless stand-in for VPC Lattice endpoints. */
  private serviceFor(type: VpcEndpointType, input: CreateEndpointInput): EndpointServiceRecord {
    if (type === 'Resource' || type === 'ServiceNetwork') {
      const arn = type === 'Resource' ? input.resourceConfigurationArn : input.serviceNetworkArn;
      const pattern =
        type === 'Resource' ? /:resourceconfiguration\/rcfg-[0-9a-z]+$/ : /:servicenetwork\/sn-[0-9a-z]+$/;
      if (input.serviceName !== undefined || !arn || !/^arn:aws:vpc-lattice:/.test(arn) || !pattern.test(arn)) {
        throw new Ec2ApiError(
          'InvalidParameter',
          `A ${type} VPC endpoint takes ${type === 'Resource' ? 'ResourceConfigurationArn' : 'ServiceNetworkArn'} and no ServiceName`,
        );
      }
      return {
        serviceName: '',
        types: [type],
        acceptanceRequired: false,
        availabilityZones: this.availabilityZones.map((zone) => zone.name),
      };
    }
    const service = input.serviceName === undefined ? undefined : this.services.get(input.serviceName);
    if (!service) {
      throw new Ec2ApiError('InvalidServiceName', `The Vpc Endpoint Service '${input.serviceName}' does not exist`);
    }
    if (!service.types.includes(type)) {
      throw new Ec2ApiError(
        'InvalidParameter',
        `The Vpc Endpoint Service '${service.serviceName}' does not support Vpc Endpoint Type '${type}'`,
      );
    }
    return service;
  }

  private checkSubnets(vpcId: string, service: EndpointServiceRecord, subnetIds: readonly string[]): void {
    const zones = new Map<string, string>();
    for (const subnetId of subnetIds) {
      const subnet = this.subnets.get(subnetId);
      if (!subnet) throw new Ec2ApiError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
      if (subnet.vpcId !== vpcId) {
        throw new Ec2ApiError('InvalidParameter', `The subnet ID '${subnetId}' does not belong to the VPC '${vpcId}'`);
      }
      if (!service.availabilityZones.includes(subnet.availabilityZone)) {
        throw new Ec2ApiError(
          'InvalidParameter',
          `The VPC endpoint service ${service.serviceName} does not support the availability zone of the subnet: ${subnetId}.`,
        );
      }
      const other = zones.get(subnet.availabilityZone);
      if (other) {
        throw new Ec2ApiError(
          'DuplicateSubnetsInSameZone',
          `Found another VPC endpoint subnet in the availability zone of ${other}`,
        );
      }
      zones.set(subnet.availabilityZone, subnetId);
    }
  }

  private checkChosenEndpointId(id: string): void {
    if (!VPC_ENDPOINT_ID.test(id)) throw new Ec2ApiError('InvalidVpcEndpointId.Malformed', `Invalid Id: '${id}'`);
    if (this.endpoints.has(id)) throw new Ec2ApiError('InvalidParameter', `The Vpc Endpoint Id '${id}' already exists`);
  }

  private visibleRecord(id: string): EndpointRecord {
    const record = this.endpoints.get(id);
    if (!record || !this.settle(record)) throw new Ec2ApiError(notFound(id).code, notFound(id).message);
    return record;
  }

  private visibleRecords(): EndpointRecord[] {
    return this.sortedEndpointIds().flatMap((id) => {
      const record = this.endpoints.get(id);
      return record && this.settle(record) ? [record] : [];
    });
  }

  /** Every endpoint id in id order, kept until an endpoint is added or forgotten (a listing pages through it). */
  private sortedEndpointIds(): readonly string[] {
    this.sortedIds ??= [...this.endpoints.keys()].sort(compareIds);
    return this.sortedIds;
  }

  private enter(record: EndpointRecord, state: VpcEndpointState, settledState: VpcEndpointState = state): void {
    record.state = state;
    record.settledState = settledState;
    record.stateSince = this.now();
  }

  /** Applies the timed transitions; returns false (and forgets the endpoint) once it is gone. */
  private settle(record: EndpointRecord): boolean {
    const now = this.now();
    if (record.held) return true;
    if (record.state === 'pending' && now - record.stateSince >= this.pendingMs) {
      record.state = record.settledState;
    }
    if (record.state === 'deleting' && now - record.stateSince >= this.deletingMs) {
      record.state = 'deleted';
      record.stateSince += this.deletingMs;
    }
    if (record.state === 'deleted' && now - record.stateSince >= this.deletedVisibleMs) {
      this.endpoints.delete(record.id);
      this.sortedIds = undefined;
      return false;
    }
    return true;
  }

  private view(record: EndpointRecord): VpcEndpointView {
    const hostedZoneId = vpceHostedZoneId(this.region);
    const zones = record.subnetIds.map((subnetId) => this.subnets.get(subnetId)?.availabilityZone ?? '');
    const entry = (DnsName: string) => ({ DnsName, HostedZoneId: hostedZoneId });
    let dnsEntries: { DnsName: string; HostedZoneId: string }[] = [];
    if (record.type === 'Interface') {
      const names = interfaceEndpointDnsNames({
        serviceName: record.service.serviceName,
        region: this.region,
        endpointId: record.id,
        randomLabel: record.dnsLabel,
        availabilityZones: zones,
      });
      dnsEntries = [entry(names.regional), ...names.zonal.map(entry)];
      if (record.privateDnsEnabled && record.service.privateDnsName) {
        dnsEntries.push({ DnsName: record.service.privateDnsName, HostedZoneId: privateZoneId(record.id) });
      }
    } else if (record.type === 'Resource' && record.resourceConfigurationArn) {
      const configuration = record.resourceConfigurationArn.split('/').at(-1) ?? '';
      const association = `snra-${record.dnsLabel.padEnd(17, '0').slice(0, 17)}`;
      dnsEntries = [
        entry(
          resourceEndpointDnsName({
            endpointId: record.id,
            association,
            resourceConfigurationId: configuration,
            region: this.region,
          }),
        ),
      ];
    }
    return {
      VpcEndpointId: record.id,
      VpcEndpointType: record.type,
      VpcId: record.vpcId,
      ...(record.service.serviceName ? { ServiceName: record.service.serviceName } : {}),
      ...(record.serviceNetworkArn ? { ServiceNetworkArn: record.serviceNetworkArn } : {}),
      ...(record.resourceConfigurationArn ? { ResourceConfigurationArn: record.resourceConfigurationArn } : {}),
      State: record.state,
      RouteTableIds: [...record.routeTableIds],
      SubnetIds: [...record.subnetIds],
      Groups: record.securityGroupIds.map((groupId) => ({
        GroupId: groupId,
        GroupName: groupId === this.vpcs.get(record.vpcId)?.defaultSecurityGroupId ? 'default' : groupId,
      })),
      IpAddressType: 'ipv4',
      PrivateDnsEnabled: record.privateDnsEnabled,
      ...(record.dnsOptions ? { DnsOptions: record.dnsOptions } : {}),
      RequesterManaged: false,
      NetworkInterfaceIds: [...record.networkInterfaceIds],
      DnsEntries: this.shuffleDnsEntries ? this.shuffle(dnsEntries) : dnsEntries,
      CreationTimestamp: new Date(record.createdAt),
      Tags: Object.entries(record.tags).map(([Key, Value]) => ({ Key, Value })),
      OwnerId: this.accountId,
      ...(record.state === 'failed' && record.failure
        ? {
            FailureReason: record.failure.message,
            LastError: { Code: record.failure.code, Message: record.failure.message },
          }
        : {}),
    };
  }

  private shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index -= 1) {
      const other = Math.floor(this.random() * (index + 1));
      [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
    }
    return copy;
  }

  private newId(prefix: string): string {
    let id: string;
    do {
      id = prefix + Array.from({ length: 17 }, () => Math.floor(this.random() * 16).toString(16)).join('');
    } while (this.endpoints.has(id) || this.subnets.has(id) || this.vpcs.has(id));
    return id;
  }

  private randomLabel(length: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    return Array.from({ length }, () => alphabet[Math.floor(this.random() * alphabet.length)]).join('');
  }

  private random(): number {
    // Mulberry32: small, seeded, good enough to shuffle and to make ids.
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
}

const VPC_ENDPOINT_ID = /^vpce-[0-9a-f]{8,17}$/;

/** Code-unit order, the order the pagination tokens compare in. */
/** Index of the first id that sorts after `after` in ids sorted by {@link compareIds}. */
function firstAfter(ids: readonly string[], after: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ids[middle] as string) > after) high = middle;
    else low = middle + 1;
  }
  return low;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** AWS's wording for an unknown endpoint id (as botocore's and aws-sdk-go's test stubs record it). */
function notFound(id: string): { code: string; message: string } {
  return { code: 'InvalidVpcEndpointId.NotFound', message: `The Vpc Endpoint Id '${id}' does not exist` };
}

/** The filters {@link recordFilterValues} answers, with the same values the rendered view gives. */
const RECORD_FILTERS = new Set(['vpc-id', 'vpc-endpoint-id', 'vpc-endpoint-type', 'service-name']);

function recordFilterValues(record: EndpointRecord): Record<string, readonly string[]> {
  return {
    'vpc-id': [record.vpcId],
    'vpc-endpoint-id': [record.id],
    'vpc-endpoint-type': [record.type],
    'service-name': record.service.serviceName ? [record.service.serviceName] : [],
  };
}

function endpointFilterValues(view: VpcEndpointView, region: string): Record<string, readonly string[]> {
  const values: Record<string, string[]> = {
    'vpc-id': [view.VpcId],
    'vpc-endpoint-id': [view.VpcEndpointId],
    'vpc-endpoint-state': [view.State],
    'vpc-endpoint-type': [view.VpcEndpointType],
    'service-name': view.ServiceName ? [view.ServiceName] : [],
    'service-region': [region],
    'ip-address-type': [view.IpAddressType],
    'tag-key': view.Tags.map((tag) => tag.Key),
  };
  for (const tag of view.Tags) values[`tag:${tag.Key}`] = [tag.Value];
  return values;
}

function subnetFilterValues(subnet: SubnetRecord, accountId: string): Record<string, readonly string[]> {
  const values: Record<string, string[]> = {
    'subnet-id': [subnet.subnetId],
    'vpc-id': [subnet.vpcId],
    'availability-zone': [subnet.availabilityZone],
    'availability-zone-id': [subnet.availabilityZoneId],
    'cidr-block': [subnet.cidrBlock],
    'default-for-az': ['false'],
    'owner-id': [accountId],
    state: ['available'],
    'tag-key': Object.keys(subnet.tags),
  };
  for (const [key, value] of Object.entries(subnet.tags)) values[`tag:${key}`] = [value];
  return values;
}
