import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { afterEach, describe, expect, it } from 'vitest';
import { localAzureClientOptions, localAzureCredential } from '../../local/azure/client-options.ts';
import { awsUntouchedZones, azureUntouchedZones, gcpUntouchedZones } from '../../local/brownfield-untouched.ts';
import { AZURE_SCENARIO, startAwsScenario, startAzureScenario } from '../../local/demo-scenario.ts';
import { GCP_SCENARIO, startGcpScenario } from '../../local/gcp/scenario.ts';

/**
 * The demo's last step says the zones that are not linkdns's are as seeded and no write request named them. These
 * tests make sure it would notice: someone else's write through each cloud's real API shows up both ways.
 */

const closing: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

describe('the watch over the brownfield zones the demo ends with', () => {
  it('AWS: a ChangeResourceRecordSets to corp.internal through the SDK is seen in the zone and in the request log', async () => {
    const scenario = await startAwsScenario({ brownfield: true });
    closing.push(() => scenario.aws.close());
    const watch = awsUntouchedZones(scenario);
    const corporate = scenario.brownfield?.corporateZoneId ?? '';
    expect(watch.names).toEqual([expect.stringContaining('public'), expect.stringMatching(/^corp\.internal /)]);
    expect(watch.changed()).toEqual([]);

    await scenario.aws.clients.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: corporate,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'wiki.corp.internal',
                Type: 'A',
                TTL: 300,
                ResourceRecords: [{ Value: '10.1.9.9' }],
              },
            },
          ],
        },
      }),
    );

    expect(watch.changed()).toEqual([
      expect.stringMatching(/^corp\.internal .*: its records or settings changed$/),
      expect.stringMatching(/^corp\.internal .*: a write request addressed it$/),
    ]);
  });

  it('Azure: a record set written into privatelink.vaultcore.azure.net through the SDK is seen both ways', async () => {
    const scenario = await startAzureScenario(undefined, { brownfield: true });
    closing.push(() => scenario.azure.close());
    const watch = azureUntouchedZones(scenario);
    expect(watch.names).toHaveLength(3);
    const dns = new PrivateDnsManagementClient(
      localAzureCredential,
      AZURE_SCENARIO.subscriptionId,
      localAzureClientOptions(scenario.azure.baseUrl),
    );

    await dns.recordSets.createOrUpdate(AZURE_SCENARIO.dnsResourceGroup, 'privatelink.vaultcore.azure.net', 'A', 'x', {
      ttl: 10,
      aRecords: [{ ipv4Address: '10.20.1.99' }],
    });

    expect(watch.changed()).toEqual([
      'privatelink.vaultcore.azure.net: its records or settings changed',
      'privatelink.vaultcore.azure.net: a write request addressed it',
    ]);
  });

  it('Google: a change to corp-internal through the Cloud DNS API is seen both ways', async () => {
    const scenario = await startGcpScenario(undefined, { brownfield: true });
    closing.push(() => scenario.gcp.close());
    const watch = gcpUntouchedZones(scenario);
    expect([...watch.names].sort()).toEqual(['corp-internal', GCP_SCENARIO.publicZone]);

    const response = await fetch(
      `${scenario.gcp.baseUrl}/dns/v1/projects/${GCP_SCENARIO.project}/managedZones/corp-internal/changes`,
      {
        method: 'POST',
        headers: { authorization: 'Bearer local', 'content-type': 'application/json' },
        body: JSON.stringify({
          additions: [{ name: 'wiki.corp.internal.', type: 'A', ttl: 300, rrdatas: ['10.2.8.11'] }],
        }),
      },
    );

    expect(response.ok).toBe(true);
    expect(watch.changed()).toEqual([
      'corp-internal: its records or settings changed',
      'corp-internal: a write request addressed it',
    ]);
  });
});
