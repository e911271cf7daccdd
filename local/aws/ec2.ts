import { Ec2ApiError } from './ec2-errors.ts';
import { checkFilters } from './ec2-filters.ts';
import type { AvailabilityZoneRecord, DnsOptions, LocalEc2State, SubnetRecord, VpcEndpointView } from './ec2-state.ts';
import {
  Ec2Query,
  ec2ErrorDocument,
  ec2Response,
  paginate,
  tokenAfter,
  xmlItems,
  xmlStrings,
  xmlStruct,
  xmlValue,
} from './ec2-wire.ts';
import type { LocalAwsService, LocalRequest, LocalResponse } from './server.ts';

export { Ec2ApiError } from './ec2-errors.ts';
export { availabilityZoneIdPrefix, defaultAvailabilityZones } from './ec2-names.ts';
export {
  type AvailabilityZoneRecord,
  DEFAULT_LIFECYCLE,
  type DnsOptions,
  IMMEDIATE_LIFECYCLE,
  type LocalEc2Options,
  LocalEc2State,
  type SubnetRecord,
  type VpcEndpointView,
} from './ec2-state.ts';

/**
 * The local EC2 (Query protocol, API version 2016-11-15) for {@link startLocalAwsServer}: the operations linkdns reads
 * and the ones scenarios use to drive endpoints. The real `@aws-sdk/client-ec2` talks to it unchanged.
 *
 * @example
 * const state = new LocalEc2State({ region: 'us-east-2' });
 * const aws = await startLocalAwsServer([ec2Service(state)]);
 * const ec2 = new EC2Client({ endpoint: aws.endpoint, region: 'us-east-2', credentials });
 */
export function ec2Service(state: LocalEc2State | ((request: LocalRequest) => LocalEc2State)): LocalAwsService {
  // One EC2 per account: a request reads the VPCs and endpoints of the account it acts as (local/aws/accounts.ts).
  const stateOf = typeof state === 'function' ? state : () => state;
  return {
    name: 'ec2',
    operation(request: LocalRequest): string | undefined {
      if (request.method !== 'POST' || request.path !== '/' || !Ec2Query.isEc2(request.body)) return undefined;
      return new Ec2Query(request.body).action;
    },
    handle(operation: string, request: LocalRequest): LocalResponse {
      const query = new Ec2Query(request.body);
      try {
        const handler = OPERATIONS[operation];
        if (!handler)
          throw new Ec2ApiError('InvalidAction', `The action ${operation} is not valid for this web service.`);
        if (query.boolean('DryRun')) {
          throw new Ec2ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
        }
        const body = handler(stateOf(request), query);
        return { status: 200, body: ec2Response(operation, body) };
      } catch (error) {
        if (error instanceof Ec2ApiError) return ec2Error(error.code, error.message, error.status);
        throw error;
      }
    },
    error: ec2Error,
  };
}

function ec2Error(code: string, message: string, status: number): LocalResponse {
  return { status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body: ec2ErrorDocument(code, message) };
}

type Operation = (state: LocalEc2State, query: Ec2Query) => string;

/** Default and largest page (DescribeVpcEndpoints: "If the value is greater than 1,000, we return only 1,000 items"). */
const MAX_PAGE = 1000;

const OPERATIONS: Readonly<Record<string, Operation>> = {
  /** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html */
  CreateVpcEndpoint(state, query) {
    const input = {
      vpcId: query.required('VpcId'),
      serviceName: query.string('ServiceName'),
      serviceNetworkArn: query.string('ServiceNetworkArn'),
      resourceConfigurationArn: query.string('ResourceConfigurationArn'),
      type: query.string('VpcEndpointType'),
      subnetIds: query.list('SubnetId'),
      routeTableIds: query.list('RouteTableId'),
      securityGroupIds: query.list('SecurityGroupId'),
      privateDnsEnabled: query.boolean('PrivateDnsEnabled'),
      dnsOptions: readDnsOptions(query),
      tags: query.tags('vpc-endpoint'),
      clientToken: query.string('ClientToken'),
      ipAddressType: query.string('IpAddressType'),
    };
    query.string('PolicyDocument');
    query.rejectUnread();
    if (input.ipAddressType !== undefined && input.ipAddressType !== 'ipv4') {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `The local EC2 supports IpAddressType ipv4 only, not ${input.ipAddressType}`,
      );
    }
    const type = input.type ?? 'Gateway';
    if (input.serviceName === undefined && type !== 'Resource' && type !== 'ServiceNetwork') {
      throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter ServiceName');
    }
    const optional = <K extends string, V>(key: K, value: V | undefined) =>
      (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
    const endpoint = state.createEndpoint({
      vpcId: input.vpcId,
      subnetIds: input.subnetIds,
      routeTableIds: input.routeTableIds,
      securityGroupIds: input.securityGroupIds,
      tags: input.tags,
      ...optional('serviceName', input.serviceName),
      ...optional('serviceNetworkArn', input.serviceNetworkArn),
      ...optional('resourceConfigurationArn', input.resourceConfigurationArn),
      ...optional('dnsOptions', input.dnsOptions),
      ...optional('type', input.type),
      ...optional('privateDnsEnabled', input.privateDnsEnabled),
      ...optional('clientToken', input.clientToken),
    });
    return xmlStruct('vpcEndpoint', renderEndpoint(endpoint)) + xmlValue('clientToken', input.clientToken);
  },

  /** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html */
  ModifyVpcEndpoint(state, query) {
    const id = query.required('VpcEndpointId');
    const addSubnetIds = query.list('AddSubnetId');
    const removeSubnetIds = query.list('RemoveSubnetId');
    query.rejectUnread();
    state.modifyEndpoint(id, { addSubnetIds, removeSubnetIds });
    return xmlValue('return', true);
  },

  /** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html */
  DeleteVpcEndpoints(state, query) {
    const ids = query.list('VpcEndpointId');
    query.rejectUnread();
    if (ids.length === 0)
      throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter VpcEndpointId');
    const unsuccessful = state.deleteEndpoints(ids);
    return xmlItems(
      'unsuccessful',
      unsuccessful.map(
        (item) =>
          xmlStruct('error', xmlValue('code', item.code) + xmlValue('message', item.message)) +
          xmlValue('resourceId', item.resourceId),
      ),
    );
  },

  /** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpoints.html */
  DescribeVpcEndpoints(state, query) {
    const ids = query.list('VpcEndpointId');
    const filters = query.filters();
    const maxResults = query.integer('MaxResults');
    const nextToken = query.string('NextToken');
    query.rejectUnread();
    checkFilters(filters, [
      'ip-address-type',
      'service-name',
      'service-region',
      'tag:',
      'tag-key',
      'vpc-id',
      'vpc-endpoint-id',
      'vpc-endpoint-state',
      'vpc-endpoint-type',
    ]);
    if (maxResults !== undefined && maxResults < 1) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Value (${maxResults}) for parameter maxResults is invalid. Must be a positive integer.`,
      );
    }
    const fingerprint = query.fingerprint();
    const pageSize = Math.min(maxResults ?? MAX_PAGE, MAX_PAGE);
    // Read from the token's position, one more than the page holds (so paginate knows whether a next page exists).
    const after = tokenAfter(nextToken, fingerprint);
    const endpoints = state.describeEndpoints({
      ids,
      filters,
      ...(after === undefined ? {} : { after }),
      limit: pageSize + 1,
    });
    const page = paginate(endpoints, (endpoint) => endpoint.VpcEndpointId, {
      maxResults: pageSize,
      nextToken: undefined,
      fingerprint,
    });
    return xmlItems('vpcEndpointSet', page.items.map(renderEndpoint)) + xmlValue('nextToken', page.nextToken);
  },

  /** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html */
  DescribeSubnets(state, query) {
    const ids = query.list('SubnetId');
    const filters = query.filters();
    const maxResults = query.integer('MaxResults');
    const nextToken = query.string('NextToken');
    query.rejectUnread();
    checkFilters(filters, [
      'availability-zone',
      'availability-zone-id',
      'cidr-block',
      'default-for-az',
      'owner-id',
      'state',
      'subnet-id',
      'tag:',
      'tag-key',
      'vpc-id',
    ]);
    // "Valid Range: Minimum value of 5. Maximum value of 1000."
    if (maxResults !== undefined && (maxResults < 5 || maxResults > 1000)) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Value (${maxResults}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
      );
    }
    const page = paginate(state.describeSubnets({ ids, filters }), (subnet) => subnet.subnetId, {
      maxResults: maxResults ?? MAX_PAGE,
      nextToken,
      fingerprint: query.fingerprint(),
    });
    return (
      xmlItems(
        'subnetSet',
        page.items.map((subnet) => renderSubnet(subnet, state)),
      ) + xmlValue('nextToken', page.nextToken)
    );
  },

  /** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html */
  DescribeAvailabilityZones(state, query) {
    const names = query.list('ZoneName');
    const ids = query.list('ZoneId');
    const filters = query.filters();
    query.boolean('AllAvailabilityZones');
    query.rejectUnread();
    // The filters the API reference lists for DescribeAvailabilityZones (`opt-in-status` among them).
    checkFilters(filters, [
      'group-long-name',
      'group-name',
      'message',
      'opt-in-status',
      'parent-zone-id',
      'parent-zone-name',
      'region-name',
      'state',
      'zone-id',
      'zone-name',
      'zone-type',
    ]);
    const zones = state.describeAvailabilityZones({ names, ids, filters });
    return xmlItems(
      'availabilityZoneInfo',
      zones.map((zone) => renderAvailabilityZone(zone, state.region)),
    );
  },
};

function renderEndpoint(endpoint: VpcEndpointView): string {
  return [
    xmlValue('vpcEndpointId', endpoint.VpcEndpointId),
    xmlValue('vpcEndpointType', endpoint.VpcEndpointType),
    xmlValue('vpcId', endpoint.VpcId),
    xmlValue('serviceName', endpoint.ServiceName),
    xmlValue('serviceNetworkArn', endpoint.ServiceNetworkArn),
    xmlValue('resourceConfigurationArn', endpoint.ResourceConfigurationArn),
    xmlValue('state', endpoint.State),
    xmlStrings('routeTableIdSet', endpoint.RouteTableIds),
    xmlStrings('subnetIdSet', endpoint.SubnetIds),
    xmlItems(
      'groupSet',
      endpoint.Groups.map((group) => xmlValue('groupId', group.GroupId) + xmlValue('groupName', group.GroupName)),
    ),
    xmlValue('ipAddressType', endpoint.IpAddressType),
    endpoint.DnsOptions
      ? xmlStruct(
          'dnsOptions',
          xmlValue('dnsRecordIpType', endpoint.DnsOptions.dnsRecordIpType) +
            xmlValue(
              'privateDnsOnlyForInboundResolverEndpoint',
              endpoint.DnsOptions.privateDnsOnlyForInboundResolverEndpoint,
            ),
        )
      : '',
    xmlValue('privateDnsEnabled', endpoint.PrivateDnsEnabled),
    xmlValue('requesterManaged', endpoint.RequesterManaged),
    xmlStrings('networkInterfaceIdSet', endpoint.NetworkInterfaceIds),
    xmlItems(
      'dnsEntrySet',
      endpoint.DnsEntries.map(
        (entry) => xmlValue('dnsName', entry.DnsName) + xmlValue('hostedZoneId', entry.HostedZoneId),
      ),
    ),
    xmlValue('creationTimestamp', endpoint.CreationTimestamp),
    xmlItems(
      'tagSet',
      endpoint.Tags.map((tag) => xmlValue('key', tag.Key) + xmlValue('value', tag.Value)),
    ),
    xmlValue('ownerId', endpoint.OwnerId),
    endpoint.LastError
      ? xmlStruct(
          'lastError',
          xmlValue('message', endpoint.LastError.Message) + xmlValue('code', endpoint.LastError.Code),
        )
      : '',
    xmlValue('failureReason', endpoint.FailureReason),
  ].join('');
}

/**
 * `DnsOptions` of CreateVpcEndpoint, as the SDK serializes it (`DnsOptions.DnsRecordIpType`,
 * `DnsOptions.PrivateDnsSpecifiedDomains.N`, …): https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html
 */
function readDnsOptions(query: Ec2Query): DnsOptions | undefined {
  return query.struct('DnsOptions', (member) => {
    const dnsRecordIpType = query.string(member('DnsRecordIpType'));
    const inboundOnly = query.boolean(member('PrivateDnsOnlyForInboundResolverEndpoint'));
    const preference = query.string(member('PrivateDnsPreference'));
    const domains = query.list(member('PrivateDnsSpecifiedDomains'));
    const valid = ['ipv4', 'dualstack', 'ipv6', 'service-defined'];
    if (dnsRecordIpType !== undefined && !valid.includes(dnsRecordIpType)) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Value (${dnsRecordIpType}) for parameter DnsRecordIpType is invalid. Valid values: ${valid.join(', ')}`,
      );
    }
    const options: DnsOptions = {
      ...(dnsRecordIpType === undefined ? {} : { dnsRecordIpType }),
      ...(inboundOnly === undefined ? {} : { privateDnsOnlyForInboundResolverEndpoint: inboundOnly }),
      ...(preference === undefined ? {} : { privateDnsPreference: preference }),
      ...(domains.length === 0 ? {} : { privateDnsSpecifiedDomains: domains }),
    };
    return Object.keys(options).length === 0 ? undefined : options;
  });
}

function renderSubnet(subnet: SubnetRecord, state: LocalEc2State): string {
  const size = 2 ** (32 - Number(subnet.cidrBlock.split('/')[1] ?? 24));
  return [
    xmlValue('subnetId', subnet.subnetId),
    xmlValue('subnetArn', `arn:aws:ec2:${state.region}:${state.accountId}:subnet/${subnet.subnetId}`),
    xmlValue('state', 'available'),
    xmlValue('ownerId', state.accountId),
    xmlValue('vpcId', subnet.vpcId),
    xmlValue('cidrBlock', subnet.cidrBlock),
    xmlItems('ipv6CidrBlockAssociationSet', []),
    // AWS reserves five addresses in every subnet.
    xmlValue('availableIpAddressCount', Math.max(size - 5, 0)),
    xmlValue('availabilityZone', subnet.availabilityZone),
    xmlValue('availabilityZoneId', subnet.availabilityZoneId),
    xmlValue('defaultForAz', false),
    xmlValue('mapPublicIpOnLaunch', false),
    xmlValue('mapCustomerOwnedIpOnLaunch', false),
    xmlValue('assignIpv6AddressOnCreation', false),
    xmlValue('enableDns64', false),
    xmlValue('ipv6Native', false),
    xmlStruct(
      'privateDnsNameOptionsOnLaunch',
      xmlValue('hostnameType', 'ip-name') +
        xmlValue('enableResourceNameDnsARecord', false) +
        xmlValue('enableResourceNameDnsAAAARecord', false),
    ),
    xmlStruct('blockPublicAccessStates', xmlValue('internetGatewayBlockMode', 'off')),
    xmlItems(
      'tagSet',
      Object.entries(subnet.tags).map(([key, value]) => xmlValue('key', key) + xmlValue('value', value)),
    ),
  ].join('');
}

function renderAvailabilityZone(zone: AvailabilityZoneRecord, region: string): string {
  return [
    xmlValue('zoneName', zone.name),
    xmlValue('zoneState', 'available'),
    xmlValue('regionName', region),
    xmlValue('zoneId', zone.id),
    xmlValue('groupName', region),
    xmlValue('networkBorderGroup', region),
    xmlValue('zoneType', 'availability-zone'),
    xmlValue('optInStatus', 'opt-in-not-required'),
    xmlItems('messageSet', []),
  ].join('');
}
