import { afterEach, describe, expect, it } from 'vitest';
import { GCP_SCENARIO, type GcpScenario, startGcpScenario } from '../../local/gcp/scenario.ts';

/**
 * The brownfield Google Cloud project over the Compute and Resource Manager wire: load balancers, PSC endpoints for
 * Google APIs (global rules) and to other producers in every state, beside the Confluent PSC endpoints; the project's
 * number answers for its id.
 */

let scenario: GcpScenario | undefined;

afterEach(async () => {
  await scenario?.gcp.close();
  scenario = undefined;
});

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API under test, asserted field by field
type Json = any;

async function get(world: GcpScenario, path: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${world.gcp.baseUrl}${path}`, { headers: { authorization: 'Bearer local' } });
  return { status: response.status, body: await response.json() };
}

describe('the brownfield Google Cloud project', () => {
  it('lists load balancers and PSC endpoints to other producers beside the Confluent ones in the region', async () => {
    // Prepare
    scenario = await startGcpScenario(undefined, { brownfield: true });

    // Act
    const { body } = await get(scenario, `/compute/v1/projects/acme-prod/regions/us-central1/forwardingRules`);

    // Assess
    const byName = new Map<string, Json>(body.items.map((rule: Json) => [rule.name, rule]));
    expect(byName.get('ilb-orders')).toMatchObject({
      loadBalancingScheme: 'INTERNAL',
      backendService: expect.stringMatching(/\/backendServices\/be-orders$/),
    });
    expect(byName.get('ilb-web-https').target).toMatch(/\/targetHttpsProxies\//);
    expect(byName.get('nlb-legacy-web').target).toMatch(/\/targetPools\//);
    expect(byName.get('xlb-api')).toMatchObject({
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      target: expect.stringMatching(/\/targetHttpProxies\//),
    });
    expect(byName.get('psc-search-saas')).toMatchObject({
      pscConnectionStatus: 'PENDING',
      target: expect.stringMatching(/\/serviceAttachments\/search-ingest$/),
    });
    expect(byName.get('psc-old-vendor').pscConnectionStatus).toBe('REJECTED');
    expect([...byName.keys()].filter((name) => name.startsWith('confluent-psc-'))).toHaveLength(3);
    expect(byName.has('pscapis')).toBe(false); // global, not regional
  });

  it('serves the PSC endpoints for Google APIs as global rules, and in the aggregated list under "global"', async () => {
    // Prepare
    scenario = await startGcpScenario(undefined, { brownfield: true });

    // Act
    const global = await get(scenario, '/compute/v1/projects/acme-prod/global/forwardingRules');
    const one = await get(scenario, '/compute/v1/projects/acme-prod/global/forwardingRules/pscvpcsc');
    const aggregated = await get(scenario, '/compute/v1/projects/acme-prod/aggregated/forwardingRules');

    // Assess
    expect(global.body.items.map((rule: Json) => [rule.name, rule.target])).toEqual([
      ['pscapis', 'all-apis'],
      ['pscvpcsc', 'vpc-sc'],
    ]);
    expect(one.body).toMatchObject({
      target: 'vpc-sc',
      selfLink: expect.stringMatching(/\/global\/forwardingRules\/pscvpcsc$/),
    });
    expect(one.body.region).toBeUndefined();
    expect(aggregated.body.items.global.forwardingRules).toHaveLength(2);
    expect(aggregated.body.items['regions/us-central1'].forwardingRules).toHaveLength(10);
  });

  it('answers projects.get by number and by id with both', async () => {
    // Prepare
    scenario = await startGcpScenario();

    // Act
    const byNumber = await get(scenario, `/v3/projects/${GCP_SCENARIO.projectNumber}`);
    const byId = await get(scenario, '/v3/projects/acme-prod');
    const unknown = await get(scenario, '/v3/projects/999999999999');

    // Assess
    expect(byNumber.body).toMatchObject({ name: 'projects/318273645091', projectId: 'acme-prod' });
    expect(byId.body.name).toBe('projects/318273645091');
    expect(unknown.status).toBe(403);
    expect(unknown.body.error.errors[0].reason).toBe('forbidden');
  });
});
