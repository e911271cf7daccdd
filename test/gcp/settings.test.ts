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

  it("reads the worker subscription by its full name or its id in the functions' project", () => {
    // Prepare
    const env = { LINKDNS_CONFIG: CONFIG, GOOGLE_CLOUD_PROJECT: 'acme-prod', LINKDNS_SWEEP_TOPIC: 'linkdns-sweep' };

    // Act: what `gcloud eventarc triggers describe --format='value(transport.pubsub.subscription)'` prints, and an id
    const full = readGcpSettings({
      ...env,
      LINKDNS_SWEEP_SUBSCRIPTION:
        'projects/acme-host/subscriptions/eventarc-us-central1-linkdns-repair-worker-719-sub-384',
    });
    const id = readGcpSettings({
      ...env,
      LINKDNS_SWEEP_SUBSCRIPTION: 'eventarc-us-central1-linkdns-repair-worker-719-sub-384',
    });
    const unset = readGcpSettings(env);

    // Assess
    expect(full.sweepSubscription).toBe(
      'projects/acme-host/subscriptions/eventarc-us-central1-linkdns-repair-worker-719-sub-384',
    );
    expect(id.sweepSubscription).toBe(
      'projects/acme-prod/subscriptions/eventarc-us-central1-linkdns-repair-worker-719-sub-384',
    );
    expect(unset.sweepSubscription).toBeUndefined();
  });

  it.each([
    ['a topic name', 'projects/acme-prod/topics/linkdns-sweep'],
    ['an id starting with goog', 'goog-sweep'],
    ['an id starting with a digit', '1sweep'],
    ['an id of two characters', 'ab'],
    ['a project id that is not one', 'projects/Acme/subscriptions/sweep-sub'],
  ])('refuses %s as LINKDNS_SWEEP_SUBSCRIPTION, naming the value', (_, value) => {
    // Act
    const read = () =>
      readGcpSettings({
        LINKDNS_CONFIG: CONFIG,
        GOOGLE_CLOUD_PROJECT: 'acme-prod',
        LINKDNS_SWEEP_TOPIC: 'linkdns-sweep',
        LINKDNS_SWEEP_SUBSCRIPTION: value,
      });

    // Assess
    expect(read).toThrow(
      expect.objectContaining({
        problems: [
          `LINKDNS_SWEEP_SUBSCRIPTION: must be a Pub/Sub subscription id or projects/{project}/subscriptions/{id}, not ${JSON.stringify(value)}`,
        ],
      }),
    );
  });

  it('refuses a sweep subscription without a sweep topic, which would hold back nothing', () => {
    // Act
    const read = () =>
      readGcpSettings({
        LINKDNS_CONFIG: CONFIG,
        GOOGLE_CLOUD_PROJECT: 'acme-prod',
        LINKDNS_SWEEP_SUBSCRIPTION: 'sweep-sub',
      });

    // Assess
    expect(read).toThrow(
      expect.objectContaining({ problems: ['LINKDNS_SWEEP_SUBSCRIPTION: is set but LINKDNS_SWEEP_TOPIC is not'] }),
    );
  });
});
