import type { LocalGcpState } from './server.ts';

/**
 * What a real Google Cloud project holds beside the Confluent PSC endpoints: internal and external load-balancer
 * forwarding rules (to backend services, target proxies and target pools), PSC endpoints for Google APIs (`all-apis`,
 * `vpc-sc`; global rules), PSC endpoints to other producers' service attachments in every connection state, and a
 * private zone of the company's own. None of it is linkdns's business.
 *
 * Shapes: https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules (fields as `gcloud compute
 * forwarding-rules list --format=json` prints them); PSC for Google APIs:
 * https://cloud.google.com/vpc/docs/configure-private-service-connect-apis (a global rule, `target: all-apis` or
 * `vpc-sc`, a name of 1–20 lowercase letters and digits); PSC connection states (`ACCEPTED`, `PENDING`, `REJECTED`,
 * `CLOSED`, `NEEDS_ATTENTION`): the `pscConnectionStatus` field of the same reference.
 */

export interface GcpBrownfieldRule {
  readonly selfLink: string;
  readonly kind: string;
  readonly description: string;
}

export interface GcpBrownfield {
  readonly rules: readonly GcpBrownfieldRule[];
  /** The company's own private zone on the consumers' network (managed zone name). */
  readonly corporateZone: string;
}

export interface GcpBrownfieldPlace {
  readonly project: string;
  readonly region: string;
  /** The consumers' network URL (the Confluent PSC endpoints' network). */
  readonly network: string;
}

const COMPUTE = 'https://www.googleapis.com/compute/v1';

/** Seeds the brownfield into the local Google Cloud's state (no API calls, nothing in the request log). */
export function seedGcpBrownfield(state: LocalGcpState, place: GcpBrownfieldPlace): GcpBrownfield {
  const { project, region, network } = place;
  const regional = `${COMPUTE}/projects/${project}/regions/${region}`;
  const subnetwork = `${regional}/subnetworks/snet-${region}`;
  const rules: GcpBrownfieldRule[] = [];
  let id = 5_520_113_000_000_000_000n;
  const put = (kind: string, description: string, rule: Record<string, unknown>) => {
    id += 1n;
    const scope = rule.global ? `${COMPUTE}/projects/${project}/global` : regional;
    const { global: _global, ...fields } = rule;
    const selfLink = `${scope}/forwardingRules/${String(rule.name)}`;
    state.compute.putForwardingRule({
      kind: 'compute#forwardingRule',
      id: String(id),
      creationTimestamp: '2026-03-11T08:21:44.512-07:00',
      labelFingerprint: '42WmSpB8rSM=',
      ...fields,
      selfLink,
    });
    rules.push({ selfLink, kind, description });
  };

  // Load balancers.
  put('internal-passthrough-lb', 'Internal passthrough Network Load Balancer → regional backend service', {
    name: 'ilb-orders',
    IPAddress: '10.2.0.50',
    IPProtocol: 'TCP',
    ports: ['443'],
    loadBalancingScheme: 'INTERNAL',
    backendService: `${regional}/backendServices/be-orders`,
    network,
    subnetwork,
    networkTier: 'PREMIUM',
  });
  put('internal-application-lb', 'Internal Application Load Balancer → target HTTPS proxy', {
    name: 'ilb-web-https',
    IPAddress: '10.2.0.51',
    IPProtocol: 'TCP',
    portRange: '443-443',
    loadBalancingScheme: 'INTERNAL_MANAGED',
    target: `${regional}/targetHttpsProxies/proxy-web-internal`,
    network,
    subnetwork,
    networkTier: 'PREMIUM',
  });
  put('external-target-pool-lb', 'External passthrough Network Load Balancer → target pool', {
    name: 'nlb-legacy-web',
    IPAddress: '203.0.113.20',
    IPProtocol: 'TCP',
    portRange: '80-80',
    loadBalancingScheme: 'EXTERNAL',
    target: `${regional}/targetPools/tp-legacy-web`,
    networkTier: 'PREMIUM',
  });
  put('external-application-lb', 'Regional external Application Load Balancer → target HTTP proxy', {
    name: 'xlb-api',
    IPAddress: '203.0.113.21',
    IPProtocol: 'TCP',
    portRange: '80-80',
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    target: `${regional}/targetHttpProxies/proxy-api`,
    network,
    networkTier: 'STANDARD',
  });

  // PSC endpoints for Google APIs: global rules with a keyword target.
  put('psc-google-apis', 'PSC endpoint for Google APIs (target all-apis), global', {
    global: true,
    name: 'pscapis',
    IPAddress: '10.255.0.2',
    target: 'all-apis',
    network,
    loadBalancingScheme: '',
    pscConnectionId: '81011102547001345',
    pscConnectionStatus: 'ACCEPTED',
  });
  put('psc-google-apis-vpc-sc', 'PSC endpoint for Google APIs behind VPC Service Controls (target vpc-sc), global', {
    global: true,
    name: 'pscvpcsc',
    IPAddress: '10.255.0.3',
    target: 'vpc-sc',
    network,
    loadBalancingScheme: '',
    pscConnectionId: '81011102547001346',
    pscConnectionStatus: 'ACCEPTED',
  });

  // PSC endpoints to other producers' service attachments.
  const producer = (name: string, attachment: string, ip: string, status: string, description: string) =>
    put(`psc-producer-${status.toLowerCase()}`, description, {
      name,
      IPAddress: ip,
      target: `${COMPUTE}/projects/${attachment}`,
      network,
      loadBalancingScheme: '',
      networkTier: 'PREMIUM',
      pscConnectionId: String(77_021_324_569_500_000n + id),
      pscConnectionStatus: status,
    });
  producer(
    'psc-mongodb-atlas',
    `p-atlas-4f2a/regions/${region}/serviceAttachments/sa-${region}-atlas-0`,
    '10.2.0.60',
    'ACCEPTED',
    "PSC endpoint to a database SaaS's service attachment (accepted)",
  );
  producer(
    'psc-search-saas',
    `search-saas-prod/regions/${region}/serviceAttachments/search-ingest`,
    '10.2.0.61',
    'PENDING',
    "PSC endpoint to another producer, awaiting the producer's acceptance (PENDING)",
  );
  producer(
    'psc-old-vendor',
    `old-vendor-prod/regions/${region}/serviceAttachments/gateway`,
    '10.2.0.62',
    'REJECTED',
    'PSC endpoint the producer rejected (REJECTED)',
  );

  // The company's own private zone on the same network.
  const corporateZone = 'corp-internal';
  state.dns.createZone(project, {
    name: corporateZone,
    dnsName: 'corp.internal.',
    visibility: 'private',
    networks: [network],
  });
  state.dns.putRecordSet(project, corporateZone, {
    name: 'ldap.corp.internal.',
    type: 'A',
    ttl: 300,
    rrdatas: ['10.2.8.10'],
  });
  return { rules, corporateZone };
}
