import { describe, expect, it } from 'vitest';
import {
  attachmentMappings,
  failureDetails,
  networkMappings,
  parseListPage,
} from '../../functions/confluent/networking-wire.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { readEventFile } from '../../local/demo-scenario.ts';

// The bodies are Confluent's own (Terraform provider test data and the OpenAPI examples): events/README.md.
const list = readEventFile('confluent/networks.list.json') as { data: unknown[] };

describe('networks (events/confluent/)', () => {
  it('maps a READY AWS network to its endpoint service, zonal, zones from zonal_subdomains', () => {
    expect(networkMappings(list.data[0], 'env-gz903')).toEqual({
      mappings: [
        {
          cloud: 'aws',
          service: 'com.amazonaws.vpce.us-east-2.vpce-svc-0089db43e25590123',
          domain: 'pr1jy6.us-east-2.aws.confluent.cloud',
          layout: 'zonal',
          source: 'n-pr1jy6',
          environment: 'env-gz903',
          advertisedZones: ['use2-az1', 'use2-az2', 'use2-az3'],
        },
      ],
      skipped: [],
    });
  });

  it('maps each Azure alias to the record label of its zone: 1 → az1 from zonal_subdomains, not from the alias', () => {
    const { mappings } = networkMappings(list.data[1], 'env-gz903');
    expect(mappings.map((m) => [m.service.split('.')[0], m.zone, m.domain, m.layout])).toEqual([
      ['s-nk99e-privatelink-1', 'az1', 'p8xo76.centralus.azure.confluent.cloud', 'zonal'],
      ['s-nk99e-privatelink-2', 'az2', 'p8xo76.centralus.azure.confluent.cloud', 'zonal'],
      ['s-nk99e-privatelink-3', 'az3', 'p8xo76.centralus.azure.confluent.cloud', 'zonal'],
    ]);
    expect(mappings[0]?.advertisedZones).toEqual(['az1', 'az2', 'az3']);
  });

  it('takes the label from the subdomain even where the alias suffix says otherwise', () => {
    const network = structuredClone(list.data[1]) as {
      status: { zonal_subdomains: Record<string, string> };
    };
    network.status.zonal_subdomains['1'] = 'zone-x.p8xo76.centralus.azure.confluent.cloud';
    expect(networkMappings(network, 'env-gz903').mappings[0]?.zone).toBe('zone-x');
  });

  it('maps each Google service attachment to its zone', () => {
    const { mappings } = networkMappings(readEventFile('confluent/network-gcp.get.json'), 'env-j5zwzm');
    expect(mappings.map((m) => [m.service, m.zone])).toEqual([
      [
        'projects/test-project/regions/us-central1/serviceAttachments/s-w2r4v-service-attachment-us-central1-a',
        'us-central1-a',
      ],
      [
        'projects/test-project/regions/us-central1/serviceAttachments/s-w2r4v-service-attachment-us-central1-b',
        'us-central1-b',
      ],
      [
        'projects/test-project/regions/us-central1/serviceAttachments/s-w2r4v-service-attachment-us-central1-c',
        'us-central1-c',
      ],
    ]);
  });

  it('skips a PROVISIONING network (empty dns_domain and maps), naming the phase', () => {
    expect(networkMappings(readEventFile('confluent/network-aws-provisioning.get.json'), 'env-gz903')).toEqual({
      mappings: [],
      skipped: [{ id: 'n-pr1jy6', environment: 'env-gz903', reason: 'phase PROVISIONING: contributes once READY' }],
    });
  });

  it('skips a peering network: no PrivateLink, no private DNS to keep', () => {
    const result = networkMappings(readEventFile('confluent/network-aws-peering.get.json'), 'env-gz903');
    expect(result.mappings).toEqual([]);
    expect(result.skipped[0]?.reason).toMatch(/PEERING: no PrivateLink/);
  });

  it('skips a network whose zonal subdomains are not under its dns_domain (as in that peering sample)', () => {
    const network = structuredClone(readEventFile('confluent/network-aws-peering.get.json')) as {
      spec: { connection_types: string[] };
    };
    network.spec.connection_types = ['PRIVATELINK'];
    expect(networkMappings(network, 'env-gz903').skipped[0]?.reason).toBe(
      'zonal subdomain use1-az2 → use1-az2.pr1jy6.us-east-1.aws.confluent.cloud is not one label under dns_domain ' +
        'pr1jy6.us-east-2.aws.confluent.cloud',
    );
  });

  it('refuses a body that is not a network, naming the field', () => {
    expect(() => networkMappings({ id: 'n-1', status: {} }, 'env-1')).toThrow(InvalidInputError);
    expect(() => networkMappings({ id: 'n-1', status: {} }, 'env-1')).toThrow(/Confluent network n-1: spec/);
  });
});

describe('PrivateLink attachments (events/confluent/)', () => {
  it('maps an AWS attachment WAITING_FOR_CONNECTIONS to its endpoint service, regional', () => {
    expect(attachmentMappings(readEventFile('confluent/private-link-attachment-aws.get.json'), 'env-8gv0v5')).toEqual({
      mappings: [
        {
          cloud: 'aws',
          service: 'com.amazonaws.vpce.us-west-2.vpce-svc-0d3be37e21aaaaaa',
          domain: 'pr1jy6.us-east-2.aws.confluent.cloud',
          layout: 'regional',
          source: 'platt-61ovvd',
          environment: 'env-8gv0v5',
        },
      ],
      skipped: [],
    });
  });

  it('skips the Azure sample, which has no dns_domain yet', () => {
    expect(
      attachmentMappings(readEventFile('confluent/private-link-attachment-azure.get.json'), 'env-12345').skipped,
    ).toEqual([
      { id: 'platt-abcdef', environment: 'env-12345', reason: 'phase WAITING_FOR_CONNECTIONS but no dns_domain yet' },
    ]);
  });

  it('maps Azure and Google attachments once they have a dns_domain', () => {
    const azure = structuredClone(readEventFile('confluent/private-link-attachment-azure.get.json')) as {
      status: Record<string, unknown>;
    };
    azure.status.dns_domain = 'centralus.azure.private.confluent.cloud';
    expect(attachmentMappings(azure, 'env-12345').mappings[0]).toMatchObject({
      cloud: 'azure',
      service: 'pls-plt-abcdef-az1.f5aedb5a-5830-4ca6-9285-e5c81ffca2cb.centralus.azure.privatelinkservice',
      layout: 'regional',
    });
    const gcp = structuredClone(readEventFile('confluent/private-link-attachment-gcp.get.json')) as {
      status: Record<string, unknown>;
    };
    gcp.status.dns_domain = 'us-central1.gcp.private.confluent.cloud';
    expect(attachmentMappings(gcp, 'env-12345').mappings[0]).toMatchObject({
      cloud: 'gcp',
      service: 'projects/project/regions/us-central1/serviceAttachments/plattg-abcd123-service-attachment',
    });
  });

  it.each(['PROVISIONING', 'FAILED', 'EXPIRED', 'DEPROVISIONING'])('skips an attachment in %s', (phase) => {
    const body = structuredClone(readEventFile('confluent/private-link-attachment-aws.get.json')) as {
      status: Record<string, unknown>;
    };
    body.status.phase = phase;
    expect(attachmentMappings(body, 'env-8gv0v5').mappings).toEqual([]);
  });
});

describe('lists and errors', () => {
  it('reads metadata.next, and an empty next as the last page', () => {
    expect(parseListPage(list, 'networks').next).toBeUndefined();
    expect(parseListPage({ data: [], metadata: { next: 'https://x/y?page_token=abc' } }, 'networks').next).toBe(
      'https://x/y?page_token=abc',
    );
  });

  it('reads the details of the errors envelope', () => {
    expect(failureDetails(readEventFile('confluent/error-401.json'))).toEqual([
      'Valid authentication credentials must be provided',
    ]);
    expect(failureDetails('<html>')).toEqual([]);
  });
});
