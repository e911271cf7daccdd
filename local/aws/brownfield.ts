import type { LocalEc2State, VpcEndpointType } from './ec2-state.ts';
import type { Route53State } from './route53-state.ts';

/**
 * What a real AWS account holds beside the Confluent endpoint: endpoints of every type to AWS services, to other
 * partners and to VPC Lattice, in every state, over several VPCs, and a private zone of the company's own. None of it
 * is linkdns's business; linkdns must read past it, never fail on it and never write to it.
 *
 * Names follow what AWS documents for each kind (see `ec2-names.ts`): Gateway endpoints (S3, DynamoDB) and the
 * GatewayLoadBalancer endpoint have no DnsEntries; the S3 Interface endpoint's names are wildcards
 * (`*.vpce-<id>-<rand>.s3.<region>.vpce.amazonaws.com`); AWS-service Interface endpoints with private DNS add the
 * service's own name (`ssm.<region>.amazonaws.com`); a Resource endpoint has a `…vpc-lattice-rsc.<region>.on.aws` name.
 */

/** One unrelated endpoint of the brownfield account: what it is, so a test can say what linkdns must do with it. */
export interface BrownfieldEndpoint {
  readonly id: string;
  /** Short kind, e.g. `s3-interface`, `gateway-dynamodb`, `partner-rejected`. */
  readonly kind: string;
  readonly description: string;
  readonly vpcId: string;
  readonly type: VpcEndpointType;
  readonly serviceName?: string;
  /** The state it is seeded in (`pending` turns `available` with the lifecycle; `deleting` is held). */
  readonly state: string;
}

export interface AwsBrownfield {
  /** Every unrelated endpoint, the scenario VPC's first. */
  readonly endpoints: readonly BrownfieldEndpoint[];
  /** The other VPCs: a shared-services VPC and an inspection VPC. */
  readonly vpcIds: readonly string[];
  /** The company's own private zone on the scenario VPC (`corp.internal`), with records linkdns must not touch. */
  readonly corporateZoneId: string;
}

/** Account of the partners and the VPC Lattice resources shared with this account. */
const PARTNER_ACCOUNT = '444455556666';

/** Fixed ids, so samples and tests can name them; the hex parts are made up. */
export const AWS_BROWNFIELD_IDS = {
  gatewayS3: 'vpce-0a6e1c2b3d4f50001',
  gatewayDynamoDb: 'vpce-0a6e1c2b3d4f50002',
  s3Interface: 'vpce-0a6e1c2b3d4f50003',
  ssm: 'vpce-0a6e1c2b3d4f50004',
  executeApi: 'vpce-0a6e1c2b3d4f50005',
  gatewayLoadBalancer: 'vpce-0a6e1c2b3d4f50006',
  resource: 'vpce-0a6e1c2b3d4f50007',
  serviceNetwork: 'vpce-0a6e1c2b3d4f50008',
  partner: 'vpce-0a6e1c2b3d4f50009',
  partnerPendingAcceptance: 'vpce-0a6e1c2b3d4f5000a',
  partnerRejected: 'vpce-0a6e1c2b3d4f5000b',
  partnerFailed: 'vpce-0a6e1c2b3d4f5000c',
  partnerDeleting: 'vpce-0a6e1c2b3d4f5000d',
  sharedEcrApi: 'vpce-0a6e1c2b3d4f5000e',
  sharedLogs: 'vpce-0a6e1c2b3d4f5000f',
  sharedGatewayS3: 'vpce-0a6e1c2b3d4f50010',
  inspectionGatewayLoadBalancer: 'vpce-0a6e1c2b3d4f50011',
} as const;

/**
 * Seeds the brownfield around an existing VPC (the one the Confluent endpoint lives in): endpoints in that VPC, two
 * more VPCs with endpoints of their own, and the company's private zone on the VPC. Straight into the local state (no
 * API calls, nothing in the request log).
 *
 * @param vpc the scenario's VPC and its subnets (one per AZ)
 */
export function seedAwsBrownfield(
  ec2: LocalEc2State,
  route53: Route53State,
  vpc: { readonly vpcId: string; readonly subnetIds: readonly string[] },
): AwsBrownfield {
  const region = ec2.region;
  const ids = AWS_BROWNFIELD_IDS;
  const endpoints: BrownfieldEndpoint[] = [];
  const aws = (service: string, type: 'Interface' | 'Gateway' = 'Interface') => {
    // Adds the type to a service already known (S3 takes Gateway and Interface endpoints under one name).
    return ec2.addEndpointService({ serviceName: `com.amazonaws.${region}.${service}`, type });
  };
  const partner = (suffix: string, options: { acceptanceRequired?: boolean; privateDnsName?: string } = {}) =>
    ec2.addEndpointService({
      serviceName: `com.amazonaws.vpce.${region}.vpce-svc-${suffix}`,
      acceptanceRequired: options.acceptanceRequired ?? false,
      ...(options.privateDnsName ? { privateDnsName: options.privateDnsName } : {}),
    });
  const add = (
    entry: Omit<BrownfieldEndpoint, 'state'>,
    details: { subnetIds?: readonly string[]; privateDnsEnabled?: boolean; arn?: string } = {},
  ): void => {
    const view = ec2.createEndpoint({
      endpointId: entry.id,
      vpcId: entry.vpcId,
      type: entry.type,
      ...(entry.serviceName ? { serviceName: entry.serviceName } : {}),
      ...(entry.type === 'Resource' ? { resourceConfigurationArn: details.arn } : {}),
      ...(entry.type === 'ServiceNetwork' ? { serviceNetworkArn: details.arn } : {}),
      ...(details.subnetIds ? { subnetIds: details.subnetIds } : {}),
      ...(entry.type === 'Gateway' ? { routeTableIds: [`rtb-${entry.id.slice(5)}`] } : {}),
      ...(details.privateDnsEnabled === undefined ? {} : { privateDnsEnabled: details.privateDnsEnabled }),
      tags: { Name: entry.kind, ManagedBy: 'terraform' },
    });
    endpoints.push({ ...entry, state: view.State });
  };
  const allSubnets = vpc.subnetIds;
  const firstSubnet = allSubnets.slice(0, 1);

  // --- In the Confluent endpoint's VPC ------------------------------------------------------------------------
  const here = vpc.vpcId;
  add({
    id: ids.gatewayS3,
    kind: 'gateway-s3',
    description: 'S3 Gateway endpoint (route tables, no DnsEntries)',
    vpcId: here,
    type: 'Gateway',
    serviceName: aws('s3', 'Gateway'),
  });
  add({
    id: ids.gatewayDynamoDb,
    kind: 'gateway-dynamodb',
    description: 'DynamoDB Gateway endpoint (no DnsEntries)',
    vpcId: here,
    type: 'Gateway',
    serviceName: aws('dynamodb', 'Gateway'),
  });
  add(
    {
      id: ids.s3Interface,
      kind: 's3-interface',
      description: 'S3 Interface endpoint: wildcard DnsEntries *.vpce-….s3.<region>.vpce.amazonaws.com',
      vpcId: here,
      type: 'Interface',
      serviceName: aws('s3'),
    },
    { subnetIds: allSubnets, privateDnsEnabled: false },
  );
  add(
    {
      id: ids.ssm,
      kind: 'aws-ssm-private-dns',
      description: `SSM Interface endpoint with private DNS (ssm.${region}.amazonaws.com)`,
      vpcId: here,
      type: 'Interface',
      serviceName: aws('ssm'),
    },
    { subnetIds: allSubnets, privateDnsEnabled: true },
  );
  add(
    {
      id: ids.executeApi,
      kind: 'aws-execute-api-private-dns',
      description: `API Gateway Interface endpoint with private DNS (*.execute-api.${region}.amazonaws.com)`,
      vpcId: here,
      type: 'Interface',
      serviceName: aws('execute-api'),
    },
    { subnetIds: firstSubnet, privateDnsEnabled: true },
  );
  const firewall = ec2.addEndpointService({
    serviceName: `com.amazonaws.vpce.${region}.vpce-svc-0f1e2d3c4b5a60718`,
    type: 'GatewayLoadBalancer',
  });
  add(
    {
      id: ids.gatewayLoadBalancer,
      kind: 'gateway-load-balancer',
      description: "A firewall vendor's GatewayLoadBalancer endpoint (one subnet, no DnsEntries)",
      vpcId: here,
      type: 'GatewayLoadBalancer',
      serviceName: firewall,
    },
    { subnetIds: firstSubnet },
  );
  add(
    {
      id: ids.resource,
      kind: 'lattice-resource',
      description: 'Resource endpoint to a VPC Lattice resource configuration (no ServiceName)',
      vpcId: here,
      type: 'Resource',
    },
    {
      subnetIds: allSubnets,
      arn: `arn:aws:vpc-lattice:${region}:${PARTNER_ACCOUNT}:resourceconfiguration/rcfg-0a1b2c3d4e5f60789`,
    },
  );
  add(
    {
      id: ids.serviceNetwork,
      kind: 'lattice-service-network',
      description: 'ServiceNetwork endpoint (no ServiceName, no subnets of its own here)',
      vpcId: here,
      type: 'ServiceNetwork',
    },
    { arn: `arn:aws:vpc-lattice:${region}:${PARTNER_ACCOUNT}:servicenetwork/sn-0123456789abcdef0` },
  );
  const metrics = partner('0c4d5e6f708192a3b', { privateDnsName: `intake.privatelink.metrics-saas.example.com` });
  add(
    {
      id: ids.partner,
      kind: 'partner',
      description: "Another SaaS's endpoint service, private DNS on",
      vpcId: here,
      type: 'Interface',
      serviceName: metrics,
    },
    { subnetIds: allSubnets, privateDnsEnabled: true },
  );
  const database = partner('07a8b9c0d1e2f3a4b', { acceptanceRequired: true });
  add(
    {
      id: ids.partnerPendingAcceptance,
      kind: 'partner-pending-acceptance',
      description: 'A database vendor has not accepted the connection yet',
      vpcId: here,
      type: 'Interface',
      serviceName: database,
    },
    { subnetIds: allSubnets },
  );
  add(
    {
      id: ids.partnerRejected,
      kind: 'partner-rejected',
      description: 'A connection the database vendor rejected',
      vpcId: here,
      type: 'Interface',
      serviceName: database,
    },
    { subnetIds: firstSubnet },
  );
  ec2.rejectEndpoint(ids.partnerRejected);
  const search = partner('05b6c7d8e9f0a1b2c');
  add(
    {
      id: ids.partnerFailed,
      kind: 'partner-failed',
      description: 'An endpoint AWS could not place (no free IPs)',
      vpcId: here,
      type: 'Interface',
      serviceName: search,
    },
    { subnetIds: firstSubnet },
  );
  ec2.failEndpoint(ids.partnerFailed);
  add(
    {
      id: ids.partnerDeleting,
      kind: 'partner-deleting',
      description: 'An endpoint being deleted (held in deleting)',
      vpcId: here,
      type: 'Interface',
      serviceName: search,
    },
    { subnetIds: allSubnets.slice(1, 2) },
  );
  ec2.holdEndpoint(ids.partnerDeleting, 'deleting');
  for (const [index, entry] of endpoints.entries()) {
    endpoints[index] = { ...entry, state: ec2.endpoint(entry.id)?.State ?? entry.state };
  }

  // --- A shared-services VPC and an inspection VPC ------------------------------------------------------------
  const shared = ec2.addVpcWithSubnets();
  const sharedSubnets = shared.subnets.map((subnet) => subnet.subnetId);
  add(
    {
      id: ids.sharedEcrApi,
      kind: 'aws-ecr-api',
      description: `ECR API Interface endpoint (api.ecr.${region}.vpce.amazonaws.com names)`,
      vpcId: shared.vpcId,
      type: 'Interface',
      serviceName: aws('ecr.api'),
    },
    { subnetIds: sharedSubnets, privateDnsEnabled: true },
  );
  add(
    {
      id: ids.sharedLogs,
      kind: 'aws-logs',
      description: 'CloudWatch Logs Interface endpoint',
      vpcId: shared.vpcId,
      type: 'Interface',
      serviceName: aws('logs'),
    },
    { subnetIds: sharedSubnets, privateDnsEnabled: true },
  );
  add({
    id: ids.sharedGatewayS3,
    kind: 'gateway-s3',
    description: 'S3 Gateway endpoint of the shared-services VPC',
    vpcId: shared.vpcId,
    type: 'Gateway',
    serviceName: aws('s3', 'Gateway'),
  });
  const inspection = ec2.addVpcWithSubnets(ec2.availabilityZones.slice(0, 1).map((zone) => zone.name));
  add(
    {
      id: ids.inspectionGatewayLoadBalancer,
      kind: 'gateway-load-balancer',
      description: 'GatewayLoadBalancer endpoint of the inspection VPC',
      vpcId: inspection.vpcId,
      type: 'GatewayLoadBalancer',
      serviceName: firewall,
    },
    { subnetIds: inspection.subnets.map((subnet) => subnet.subnetId) },
  );

  // --- The company's own private zone on the scenario VPC -----------------------------------------------------
  const corporate = route53.createZone({ name: 'corp.internal', private: true, vpcs: [{ region, id: here }] });
  route53.putRecordSet(corporate.id, { name: 'ldap.corp.internal', type: 'A', ttl: 300, values: ['10.40.8.10'] });
  route53.putRecordSet(corporate.id, {
    name: '*.apps.corp.internal',
    type: 'CNAME',
    ttl: 60,
    values: ['ingress.corp.internal'],
  });

  return { endpoints, vpcIds: [shared.vpcId, inspection.vpcId], corporateZoneId: corporate.id };
}
