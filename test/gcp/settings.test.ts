import { describe, expect, it } from 'vitest';
import { readGcpSettings } from '../../functions/gcp/settings.ts';
import { baseConfig } from './gcp-harness.ts';

const CONFIG = JSON.stringify(baseConfig);

describe('readGcpSettings', () => {
  it('reads the environment with its defaults', () => {
    // Act
    const settings = readGcpSettings({
      LINKDNS_CONFIG: CONFIG,
      GOOGLE_CLOUD_PROJECT: 'acme-prod',
      LINKDNS_GCP_ENDPOINT_PROJECTS: 'acme-dev, acme-prod',
      LINKDNS_SERVICE_ACCOUNT: 'LinkDNS@acme-prod.iam.gserviceaccount.com',
    });

    // Assess
    expect(settings).toMatchObject({
      project: 'acme-prod',
      endpointProjects: ['acme-prod', 'acme-dev'],
      dnsProject: 'acme-prod',
      regions: [],
      serviceAccount: 'linkdns@acme-prod.iam.gserviceaccount.com',
      repairDetectOnly: false,
      apiRoot: undefined,
    });
    expect(settings.config.owner).toBe('linkdns-gcp-prod');
  });

  it('lists every problem at once, those of LINKDNS_CONFIG included', () => {
    // Act
    const read = () =>
      readGcpSettings({
        LINKDNS_CONFIG: JSON.stringify({ owner: 'Not Valid' }),
        LINKDNS_GCP_REGIONS: 'us-central1,Mars',
        LINKDNS_SERVICE_ACCOUNT: 'not-an-email',
        LINKDNS_GCP_API_ROOT: 'http://10.0.0.5:8080',
      });

    // Assess
    expect(read).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        problems: expect.arrayContaining([
          expect.stringContaining('LINKDNS_GCP_REGIONS'),
          expect.stringContaining('LINKDNS_SERVICE_ACCOUNT'),
          expect.stringContaining('LINKDNS_GCP_API_ROOT'),
          expect.stringContaining('LINKDNS_GCP_PROJECT: is required'),
          expect.stringContaining('LINKDNS_CONFIG owner'),
        ]),
      }),
    );
  });
});
