import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type AzureHarness, endpointEvent, readJson, startAzureHarness } from './azure-harness.ts';

/**
 * Issue 12, finding 6 on Azure: the Function App's identity gets a custom role with only what linkdns does, instead of
 * Private DNS Zone Contributor (every record type of every zone in the group, zone deletion, ARM deployments). The
 * template is checked for its structure, and the actions against what the real handlers call on the local Azure.
 * Action names: Azure resource provider operations, Microsoft.Network (`privateDnsZones/<TYPE>/read|write|delete`,
 * `privateDnsZones/ALL/read` "Gets Private DNS record sets across types").
 */

interface Resource {
  type: string;
  name: string;
  condition?: string;
  scope?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  copy?: { name: string; count: string };
  properties: Record<string, unknown> & {
    parameters?: Record<string, { value: unknown }>;
    template?: { resources: Resource[]; variables?: Record<string, unknown> };
    permissions?: { actions: unknown; notActions: unknown[] }[];
    assignableScopes?: string[];
    roleDefinitionId?: string;
  };
}
interface Template {
  parameters: Record<string, { defaultValue?: unknown }>;
  variables: Record<string, unknown>;
  resources: Resource[];
}

const template = JSON.parse(readFileSync('infra/azure/azuredeploy.json', 'utf8')) as Template;
const recordActions = template.variables.dnsRecordActions as string[];
const creationActions = template.variables.dnsZoneCreationActions as string[];
const dnsRole = template.resources.find((resource) => resource.name.includes("'{0}-dns-role'")) as Resource;
const inner = dnsRole.properties.template?.resources ?? [];
const ofType = (type: string) => inner.filter((resource) => resource.type === type);

/** The action an ARM request needs: `Microsoft.Network/privateDnsZones[/<child>]/<read|write|delete>`. */
function actionOf(method: string, path: string): string | undefined {
  const match = /\/providers\/Microsoft\.Network\/privateDnsZones(?:\/[^/]+(?:\/([^/]+))?)?/i.exec(path);
  if (!match) return undefined;
  const verb = method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'write';
  const child = match[1];
  if (!child) return `Microsoft.Network/privateDnsZones/${verb}`;
  if (child.toLowerCase() === 'virtualnetworklinks')
    return `Microsoft.Network/privateDnsZones/virtualNetworkLinks/${verb}`;
  return `Microsoft.Network/privateDnsZones/${child.toUpperCase()}/${verb}`;
}

let harness: AzureHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('the linkdns DNS role (ARM template)', () => {
  it('allows record sets of the layouts’ types and zone reads; zone and link writes only with zones.create', () => {
    // Assess
    expect(recordActions.every((action) => action.startsWith('Microsoft.Network/privateDnsZones/'))).toBe(true);
    expect(recordActions.filter((action) => action.includes('*'))).toEqual([]);
    const types = new Set(
      recordActions.map((action) => action.split('/')[2]).filter((part) => /^[A-Z]+$/.test(part ?? '')),
    );
    expect([...types].sort()).toEqual(['A', 'ALL', 'CNAME', 'TXT']);
    expect(recordActions).not.toContain('Microsoft.Network/privateDnsZones/write');
    expect(recordActions).not.toContain('Microsoft.Network/privateDnsZones/delete');
    expect(creationActions).toEqual([
      'Microsoft.Network/privateDnsZones/write',
      'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write',
    ]);
    expect(dnsRole.properties.parameters?.actions?.value).toBe(
      "[if(variables('zonesCreate'), concat(variables('dnsRecordActions'), variables('dnsZoneCreationActions')), variables('dnsRecordActions'))]",
    );
    expect(template.variables.zonesCreate).toContain("json(parameters('linkdnsConfig'))");
    expect(JSON.stringify(template)).not.toContain('b12aa53e-6015-4669-85d0-8515ebb3ae7f');
    expect(JSON.stringify(template)).not.toMatch(/Microsoft\.Resources\/deployments\/(write|\*)/);
  });

  it('is defined and assigned in the DNS zones’ subscription and resource group (a connectivity subscription too)', () => {
    // Assess
    expect(dnsRole.subscriptionId).toBe("[parameters('dnsSubscriptionId')]");
    expect(dnsRole.resourceGroup).toBe("[parameters('dnsResourceGroup')]");
    expect(template.parameters.dnsSubscriptionId?.defaultValue).toBe('[subscription().subscriptionId]');
    const [definition] = ofType('Microsoft.Authorization/roleDefinitions');
    expect(definition?.properties.assignableScopes).toEqual(['[resourceGroup().id]']);
    expect(definition?.properties.permissions).toEqual([{ actions: "[parameters('actions')]", notActions: [] }]);
  });

  it('is assigned per managed zone when the zones are listed, on the resource group otherwise', () => {
    // Act
    const assignments = ofType('Microsoft.Authorization/roleAssignments').map((assignment) => ({
      condition: assignment.condition,
      scope: assignment.scope ?? 'resource group',
      copy: assignment.copy?.count,
      role: assignment.properties.roleDefinitionId,
    }));

    // Assess
    const role = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('roleName'))]";
    expect(assignments).toEqual([
      { condition: "[empty(parameters('zones'))]", scope: 'resource group', copy: undefined, role },
      {
        condition: "[not(empty(parameters('zones')))]",
        scope: "[format('Microsoft.Network/privateDnsZones/{0}', parameters('zones')[copyIndex()])]",
        copy: "[length(parameters('zones'))]",
        role,
      },
    ]);
    // Zones linkdns creates have no scope yet: with zones.create the role goes on the resource group.
    expect(dnsRole.properties.parameters?.zones?.value).toBe(
      "[if(variables('zonesCreate'), createArray(), parameters('managedZones'))]",
    );
  });

  it('grants virtualNetworks/join/action (linking a zone to a VNet) only with zones.create, on the VNets’ scope', () => {
    // Prepare
    const joins = template.resources.filter((resource) => resource.name.includes('vnet-join'));
    const joinRole = (resource: Resource) =>
      (resource.properties.template?.resources ?? []).find(
        (inner) => inner.type === 'Microsoft.Authorization/roleDefinitions',
      );

    // Assess: nowhere else in the template, and never in the DNS role.
    expect(template.variables.vnetJoinActions).toEqual(['Microsoft.Network/virtualNetworks/join/action']);
    expect(recordActions.concat(creationActions).filter((action) => action.includes('virtualNetworks/'))).toEqual([]);
    expect(JSON.stringify(template).match(/"Microsoft\.Network\/virtualNetworks\/join\/action"/g)).toHaveLength(1);
    expect(joins.map((resource) => resource.condition)).toEqual([
      "[and(variables('zonesCreate'), empty(parameters('vnetResourceGroups')))]",
      "[and(variables('zonesCreate'), not(empty(parameters('vnetResourceGroups'))))]",
    ]);
    for (const resource of joins) {
      expect(resource.properties.parameters?.actions?.value).toBe("[variables('vnetJoinActions')]");
      expect(joinRole(resource)?.properties.permissions).toEqual([
        { actions: "[parameters('actions')]", notActions: [] },
      ]);
    }
    expect(joins.map((resource) => joinRole(resource)?.properties.assignableScopes)).toEqual([
      ['[subscription().id]'],
      ['[resourceGroup().id]'],
    ]);
    expect(joins[1]?.resourceGroup).toBe("[parameters('vnetResourceGroups')[copyIndex()]]");
    expect(template.parameters.vnetResourceGroups?.defaultValue).toBe("[parameters('endpointResourceGroups')]");
  });

  it('covers every Private DNS call the real handlers make on the local Azure, and nothing beyond the role', async () => {
    // Prepare: zone creation on (the fixture configuration), so the widest set of calls is made
    harness = await startAzureHarness();

    // Act: an endpoint appears (zone created, linked, records written), a zone edit is repaired, the endpoint goes
    await harness.handlers.privateEndpointEvents(
      readJson('events/azure/private-endpoint-write.json'),
      harness.context(),
    );
    await harness.handlers.scheduledRepair(harness.timer(), harness.context());
    await harness.handlers.privateEndpointEvents(endpointEvent('delete', 'confluent-platt-q2w9r7'), harness.context());

    // Assess
    const used = new Set(harness.azure.requests.entries.flatMap((entry) => actionOf(entry.method, entry.path) ?? []));
    const granted = new Set([...recordActions, ...creationActions]);
    expect([...used].filter((action) => !granted.has(action))).toEqual([]);
    expect(used.has('Microsoft.Network/privateDnsZones/A/write')).toBe(true);
    expect(used.has('Microsoft.Network/privateDnsZones/TXT/write')).toBe(true);
    expect(used.has('Microsoft.Network/privateDnsZones/ALL/read')).toBe(true);
  });
});
