import { AWS_SCENARIO, AZURE_SCENARIO } from '../demo-scenario.ts';
import { GCP_SCENARIO } from '../gcp/scenario.ts';
import type { LocalConfluentState } from './server.ts';

/**
 * Networks and PrivateLink attachments shaped as Confluent's networking v1 API returns them (the bodies in
 * `events/confluent/`, from the Confluent Terraform provider's test data), seeded consistent with the local AWS, Azure
 * and Google scenarios, so that the demo and the tests discover their mappings instead of typing them.
 */

export interface NetworkSeed {
  readonly id: string;
  readonly environment: string;
  readonly cloud: 'AWS' | 'AZURE' | 'GCP';
  readonly region: string;
  readonly dnsDomain: string;
  /** Zone key (`use2-az1`, `1`, `us-central1-a`) → record label (`use2-az1`, `az1`, `us-central1-a`). */
  readonly zones: Readonly<Record<string, string>>;
  /** AWS: the endpoint service name; Azure: zone → alias; GCP: zone → service attachment. */
  readonly services: string | Readonly<Record<string, string>>;
  /** `PROVISIONING`, `READY`, `FAILED`, `DEPROVISIONING`. Default READY. */
  readonly phase?: string;
}

/**
 * A network body. Before READY the API leaves `dns_domain`, `zonal_subdomains` and the cloud maps empty
 * (`events/confluent/network-aws-provisioning.get.json`).
 */
export function networkBody(seed: NetworkSeed): Record<string, unknown> & { id: string } {
  const phase = seed.phase ?? 'READY';
  const ready = phase === 'READY';
  const kind = { AWS: 'AwsNetwork', AZURE: 'AzureNetwork', GCP: 'GcpNetwork' }[seed.cloud];
  const services = ready ? seed.services : typeof seed.services === 'string' ? '' : {};
  const cloud =
    seed.cloud === 'AWS'
      ? {
          kind,
          account: '012345678901',
          private_link_endpoint_service: services,
          vpc: ready ? 'vpc-03e78ba4db7bb1789' : '',
        }
      : seed.cloud === 'AZURE'
        ? {
            kind,
            private_link_service_aliases: services,
            subscription: '1234abcd-12ab-34cd-1234-123456abcdef',
            vnet: seed.id,
          }
        : {
            kind,
            private_service_connect_service_attachments: services,
            project: 'cc-sa-project',
            vpc_network: seed.id,
          };
  return {
    api_version: 'networking/v1',
    id: seed.id,
    kind: 'Network',
    metadata: {
      self: `https://api.confluent.cloud/networking/v1/networks/${seed.id}?environment=${seed.environment}`,
      resource_name: `crn://confluent.cloud/organization=local/environment=${seed.environment}/network=${seed.id}`,
      created_at: '2026-01-05T09:00:00Z',
      updated_at: '2026-01-05T09:30:00Z',
    },
    spec: {
      display_name: seed.id,
      cloud: seed.cloud,
      region: seed.region,
      connection_types: ['PRIVATELINK'],
      zones: Object.keys(seed.zones),
      environment: { id: seed.environment, related: `https://api.confluent.cloud/v2/environments/${seed.environment}` },
    },
    status: {
      phase,
      supported_connection_types: ['PRIVATELINK'],
      active_connection_types: ['PRIVATELINK'],
      dns_domain: ready ? seed.dnsDomain : '',
      zonal_subdomains: ready
        ? Object.fromEntries(Object.entries(seed.zones).map(([zone, label]) => [zone, `${label}.${seed.dnsDomain}`]))
        : {},
      cloud,
    },
  };
}

export interface AttachmentSeed {
  readonly id: string;
  readonly environment: string;
  readonly cloud: 'AWS' | 'AZURE' | 'GCP';
  readonly region: string;
  readonly dnsDomain: string;
  readonly service: string;
  /** `PROVISIONING`, `WAITING_FOR_CONNECTIONS`, `READY`, `FAILED`, `EXPIRED`, `DEPROVISIONING`. Default READY. */
  readonly phase?: string;
}

/** A PrivateLink attachment body (`events/confluent/private-link-attachment-*.get.json`). */
export function attachmentBody(seed: AttachmentSeed): Record<string, unknown> & { id: string } {
  const phase = seed.phase ?? 'READY';
  const cloud =
    seed.cloud === 'AWS'
      ? { kind: 'AwsPrivateLinkAttachmentStatus', vpc_endpoint_service: { vpc_endpoint_service_name: seed.service } }
      : seed.cloud === 'AZURE'
        ? {
            kind: 'AzurePrivateLinkAttachmentStatus',
            private_link_service: { private_link_service_alias: seed.service },
          }
        : {
            kind: 'GcpPrivateLinkAttachmentStatus',
            service_attachment: { private_service_connect_service_attachment: seed.service },
          };
  return {
    api_version: 'networking/v1',
    id: seed.id,
    kind: 'PrivateLinkAttachment',
    metadata: {
      self: `https://api.confluent.cloud/networking/v1/private-link-attachments/${seed.id}?environment=${seed.environment}`,
      resource_name: `crn://confluent.cloud/organization=local/environment=${seed.environment}/private-link-attachment=${seed.id}`,
    },
    spec: {
      display_name: seed.id,
      cloud: seed.cloud,
      region: seed.region,
      environment: { id: seed.environment, related: `https://api.confluent.cloud/v2/environments/${seed.environment}` },
    },
    status: { phase, error_code: '', error_message: '', dns_domain: seed.dnsDomain, cloud },
  };
}

/** The Confluent side of the local scenarios: one environment, a Cloud API key that may read it. */
export const CONFLUENT_SCENARIO = {
  environment: 'env-lnk7dns',
  /** A second environment the scenario's key may not read (403). */
  otherEnvironment: 'env-other9',
  apiKey: 'LINKDNSLOCALKEY1',
  apiSecret: 'local-secret-0123456789abcdefghijklmnopqrstuvwxyz',
  networks: {
    aws: 'n-pr1jy6',
    azure: 'n-p8xo76',
    gcp: 'n-6ky22p',
    /** Being provisioned: contributes nothing yet. */
    provisioning: 'n-w9q3e1',
  },
  attachments: { azure: 'platt-r4t8k', awsExpired: 'platt-x0expd' },
} as const;

const GCP_ATTACHMENTS = 'projects/cc-sa-6ky22p/regions/us-central1/serviceAttachments/s-6ky22p-service-attachment-';
const AZURE_ALIAS = (zone: number) =>
  `s-nk99e-privatelink-${zone}.5f2c1e0a-7b3d-4c8e-9a6f-1d2e3b4c5a6f.centralus.azure.privatelinkservice`;

/**
 * Seeds the Confluent Cloud that the AWS, Azure and Google scenarios connect to: the dedicated networks of their
 * domains (READY), the Azure PrivateLink attachment of `events/azure/cli/`, an AWS network still PROVISIONING and an
 * EXPIRED AWS attachment (both contribute nothing), and the scenario's API key.
 */
export function seedConfluentScenario(state: LocalConfluentState): void {
  const { environment, networks, attachments } = CONFLUENT_SCENARIO;
  state.apiKeys.set(CONFLUENT_SCENARIO.apiKey, { secret: CONFLUENT_SCENARIO.apiSecret, environments: [environment] });
  state.addEnvironment(CONFLUENT_SCENARIO.otherEnvironment);
  state.putNetwork(
    environment,
    networkBody({
      id: networks.aws,
      environment,
      cloud: 'AWS',
      region: AWS_SCENARIO.region,
      dnsDomain: AWS_SCENARIO.domain,
      zones: { 'use2-az1': 'use2-az1', 'use2-az2': 'use2-az2', 'use2-az3': 'use2-az3' },
      services: AWS_SCENARIO.sample.serviceName,
    }),
  );
  state.putNetwork(
    environment,
    networkBody({
      id: networks.azure,
      environment,
      cloud: 'AZURE',
      region: 'centralus',
      dnsDomain: AZURE_SCENARIO.domain,
      zones: { '1': 'az1', '2': 'az2', '3': 'az3' },
      services: { '1': AZURE_ALIAS(1), '2': AZURE_ALIAS(2), '3': AZURE_ALIAS(3) },
    }),
  );
  state.putNetwork(
    environment,
    networkBody({
      id: networks.gcp,
      environment,
      cloud: 'GCP',
      region: GCP_SCENARIO.region,
      dnsDomain: GCP_SCENARIO.domain,
      zones: { 'us-central1-a': 'us-central1-a', 'us-central1-b': 'us-central1-b', 'us-central1-c': 'us-central1-c' },
      services: {
        'us-central1-a': `${GCP_ATTACHMENTS}us-central1-a`,
        'us-central1-b': `${GCP_ATTACHMENTS}us-central1-b`,
        'us-central1-c': `${GCP_ATTACHMENTS}us-central1-c`,
      },
    }),
  );
  state.putNetwork(
    environment,
    networkBody({
      id: networks.provisioning,
      environment,
      cloud: 'AWS',
      region: 'us-west-2',
      dnsDomain: 'w9q3e1.us-west-2.aws.confluent.cloud',
      zones: { 'usw2-az1': 'usw2-az1', 'usw2-az2': 'usw2-az2', 'usw2-az3': 'usw2-az3' },
      services: 'com.amazonaws.vpce.us-west-2.vpce-svc-0w9q3e1aaaaaaaaaa',
      phase: 'PROVISIONING',
    }),
  );
  state.putAttachment(
    environment,
    attachmentBody({
      id: attachments.azure,
      environment,
      cloud: 'AZURE',
      region: 'centralus',
      dnsDomain: 'centralus.azure.private.confluent.cloud',
      service: 's-r4t8k-privatelink.0b7e2d91-3c6f-4a58-8e1d-9f2a4b6c8d0e.centralus.azure.privatelinkservice',
    }),
  );
  state.putAttachment(
    environment,
    attachmentBody({
      id: attachments.awsExpired,
      environment,
      cloud: 'AWS',
      region: 'us-west-2',
      dnsDomain: 'us-west-2.aws.private.confluent.cloud',
      service: 'com.amazonaws.vpce.us-west-2.vpce-svc-0x0expd0000000000',
      phase: 'EXPIRED',
    }),
  );
}
