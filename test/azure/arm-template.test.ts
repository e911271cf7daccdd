import { readFileSync } from 'node:fs';
import { app } from '@azure/functions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ENDPOINT_OPERATIONS,
  RECORD_SET_OPERATIONS,
  RESOURCE_EVENT_TYPES,
} from '../../functions/azure/event-grid-events.ts';
import {
  AZURE_APP_SETTINGS,
  AZURE_FUNCTION_NAMES,
  FUNCTION_TIMEOUT_SECONDS,
  readAzureSettings,
  SWEEP_QUEUE,
} from '../../functions/azure/settings.ts';
import type { ConfigError } from '../../functions/core/errors.ts';

interface Template {
  $schema: string;
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  resources: Resource[];
  outputs?: Record<string, unknown>;
}
interface Resource {
  type: string;
  name: string;
  condition?: string;
  resourceGroup?: string;
  subscriptionId?: string;
  location?: string;
  kind?: string;
  sku?: Record<string, unknown>;
  identity?: { type: string };
  properties: Record<string, unknown> & {
    template?: Template;
    expressionEvaluationOptions?: { scope: string };
    parameters?: Record<string, { value: unknown }>;
  };
}

const template = JSON.parse(readFileSync('infra/azure/azuredeploy.json', 'utf8')) as Template;
const ofType = (type: string, within: Template = template) =>
  within.resources.filter((resource) => resource.type === type);

/** Every string in a value, skipping nested templates evaluated in their own (inner) scope. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === 'template' && (value as Resource['properties']).expressionEvaluationOptions?.scope === 'inner'
      ? []
      : strings(item),
  );
}

function referenced(kind: 'parameters' | 'variables', within: Template): Set<string> {
  const names = new Set<string>();
  for (const text of strings({ ...within, parameters: undefined })) {
    for (const match of text.matchAll(new RegExp(`${kind}\\('([^']+)'\\)`, 'g'))) names.add(match[1] as string);
  }
  return names;
}

/** The literal keys of the createObject(...) call in the app settings expression. */
function appSettingNames(): string[] {
  const [settings] = ofType('Microsoft.Web/sites/config');
  const expression = String(settings?.properties);
  const start = expression.indexOf('createObject(') + 'createObject('.length;
  const args: string[] = [];
  let depth = 0;
  let current = '';
  let quoted = false;
  for (const char of expression.slice(start)) {
    if (char === "'") quoted = !quoted;
    if (!quoted && char === '(') depth += 1;
    if (!quoted && char === ')') {
      if (depth === 0) break;
      depth -= 1;
    }
    if (!quoted && depth === 0 && char === ',') {
      args.push(current.trim());
      current = '';
    } else current += char;
  }
  args.push(current.trim());
  return args.filter((_, index) => index % 2 === 0).map((key) => key.replace(/^'|'$/g, ''));
}

describe('infra/azure/azuredeploy.json', () => {
  it('is a resource-group deployment template whose parameter and variable references all resolve', () => {
    // Prepare
    const nested = ofType('Microsoft.Resources/deployments').map(
      (deployment) => deployment.properties.template as Template,
    );

    // Act
    const problems = [template, ...nested].flatMap((within) => [
      ...[...referenced('parameters', within)]
        .filter((name) => !(name in within.parameters))
        .map((name) => `parameter ${name}`),
      ...[...referenced('variables', within)]
        .filter((name) => !(name in (within.variables ?? {})) && !(within === template && name === 'secretSettings'))
        .map((name) => `variable ${name}`),
    ]);

    // Assess
    expect(template.$schema).toMatch(/\/2019-04-01\/deploymentTemplate\.json#$/);
    expect(problems).toEqual([]);
    expect((template.variables.copy as { name: string }[]).map((copy) => copy.name)).toEqual(['secretSettings']);
  });

  it('runs a Flex Consumption Function App on Node 22 with a system-assigned identity', () => {
    // Act
    const [plan] = ofType('Microsoft.Web/serverfarms');
    const [site] = ofType('Microsoft.Web/sites');
    const config = site?.properties.functionAppConfig as Record<string, Record<string, unknown>>;

    // Assess
    expect(plan?.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
    expect(site?.kind).toBe('functionapp,linux');
    expect(site?.identity).toEqual({ type: 'SystemAssigned' });
    expect(config.runtime).toEqual({ name: 'node', version: '22' });
    expect(config.deployment).toMatchObject({ storage: { authentication: { type: 'SystemAssignedIdentity' } } });
    expect(ofType('Microsoft.Storage/storageAccounts')[0]?.properties).toMatchObject({ allowSharedKeyAccess: false });
    expect(ofType('Microsoft.Insights/components')).toHaveLength(1);
  });

  it('sets exactly the app settings the code reads, secrets as Key Vault references', () => {
    // Prepare
    const codeSettings = Object.values(AZURE_APP_SETTINGS);

    // Act
    const names = appSettingNames();
    const linkdnsNames = names.filter((name) => name.startsWith('LINKDNS_') || name.startsWith('AZURE_'));
    const secret = (template.variables.copy as { input: { value: string } }[])[0]?.input.value;

    // Assess
    expect(linkdnsNames.sort()).toEqual([...codeSettings].sort());
    expect(names).toContain('AzureWebJobsStorage__accountName');
    expect(names).toContain('APPLICATIONINSIGHTS_CONNECTION_STRING');
    expect(names.some((name) => /^FUNCTIONS_(WORKER_RUNTIME|EXTENSION_VERSION)$/.test(name))).toBe(false);
    expect(secret).toMatch(/^\[format\('@Microsoft\.KeyVault\(VaultName=\{0\};SecretName=\{1\}\)'/);
  });

  it('accepts settings of the shape the template writes', () => {
    // Act
    const settings = readAzureSettings({
      [AZURE_APP_SETTINGS.config]: '{"owner":"linkdns-azure-prod"}',
      [AZURE_APP_SETTINGS.subscriptionId]: '8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04',
      [AZURE_APP_SETTINGS.dnsResourceGroup]: 'rg-private-dns',
      [AZURE_APP_SETTINGS.endpointResourceGroups]: 'rg-a,rg-b',
      [AZURE_APP_SETTINGS.identityObjectId]: '6B0C4F1E-2A3D-4C5B-9E8F-7A1B2C3D4E5F',
      [AZURE_APP_SETTINGS.repairSchedule]: '0 */15 * * * *',
      [AZURE_APP_SETTINGS.repairDetectOnly]: 'false',
    });

    // Assess
    expect(settings).toMatchObject({
      endpointResourceGroups: ['rg-a', 'rg-b'],
      identityObjectId: '6b0c4f1e-2a3d-4c5b-9e8f-7a1b2c3d4e5f',
      repairDetectOnly: false,
    });
  });

  it('points the Event Grid subscriptions at the functions the code registers, with the code’s filters', () => {
    // Act
    const subscriptions = ofType('Microsoft.EventGrid/systemTopics/eventSubscriptions');
    const destinations = subscriptions.map(
      (subscription) =>
        (subscription.properties.destination as { properties: { resourceId: string } }).properties.resourceId,
    );

    // Assess
    expect(template.variables.functionNames).toEqual(AZURE_FUNCTION_NAMES);
    expect(destinations).toEqual([
      "[format('{0}/functions/{1}', variables('siteId'), variables('functionNames').endpointEvents)]",
      "[format('{0}/functions/{1}', variables('siteId'), variables('functionNames').zoneEvents)]",
    ]);
    expect(template.variables.resourceEventTypes).toEqual([...RESOURCE_EVENT_TYPES]);
    expect(template.variables.endpointOperations).toEqual(ENDPOINT_OPERATIONS);
    expect(template.variables.recordSetOperations).toEqual(RECORD_SET_OPERATIONS);
  });

  it('gives every event subscription a retry policy, dead-lettering and at most 25 filter values', () => {
    // Act
    const subscriptions = ofType('Microsoft.EventGrid/systemTopics/eventSubscriptions');

    // Assess
    expect(subscriptions).toHaveLength(2);
    for (const subscription of subscriptions) {
      const filter = subscription.properties.filter as { advancedFilters: { values: unknown }[] };
      const values = filter.advancedFilters.reduce(
        (sum, advanced) =>
          sum +
          (Array.isArray(advanced.values)
            ? advanced.values.length
            : (template.variables[String(advanced.values).match(/variables\('(\w+)'\)/)?.[1] ?? ''] as unknown[])
                .length),
        0,
      );
      expect(subscription.properties.retryPolicy).toBe("[variables('retryPolicy')]");
      expect(subscription.properties.deadLetterWithResourceIdentity).toMatchObject({
        deadLetterDestination: { endpointType: 'StorageBlob' },
      });
      expect(values).toBeLessThanOrEqual(25);
    }
    expect(template.variables.retryPolicy).toEqual({ maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 });
  });

  it('leaves linkdns’s own zone writes out at the source (principal filter) for the zone subscription only', () => {
    // Act
    const [endpoints, zones] = ofType('Microsoft.EventGrid/systemTopics/eventSubscriptions');
    const filterOf = (subscription: Resource | undefined) =>
      (subscription?.properties.filter ?? {}) as {
        advancedFilters?: { key: string; operatorType: string }[];
        subjectBeginsWith?: string;
      };
    const keys = (subscription: Resource | undefined) =>
      (filterOf(subscription).advancedFilters ?? []).map((filter) => `${filter.operatorType} ${filter.key}`);

    // Assess
    expect(keys(endpoints)).toEqual(['StringIn data.operationName']);
    expect(keys(zones)).toEqual(['StringIn data.operationName', 'StringNotIn data.authorization.evidence.principalId']);
    expect(filterOf(zones).subjectBeginsWith).toContain("parameters('dnsResourceGroup')");
  });

  it('grants the identity the linkdns DNS role (dns-role.test.ts) and Reader on the endpoints’ scope', () => {
    // Act
    const deployments = ofType('Microsoft.Resources/deployments');
    const grants = deployments.map((deployment) => ({
      scope: deployment.resourceGroup ?? (deployment.subscriptionId ? 'subscription' : 'this resource group'),
      role: String(deployment.properties.parameters?.roleId?.value).match(/variables\('roles'\)\.(\w+)/)?.[1],
      assignments: ofType('Microsoft.Authorization/roleAssignments', deployment.properties.template as Template).length,
    }));

    // Assess
    // Private DNS Zone Contributor (every record type of every zone in the group, zone deletion) is gone.
    expect((template.variables.roles as Record<string, string>).privateDnsZoneContributor).toBeUndefined();
    expect((template.variables.roles as Record<string, string>).reader).toBe('acdd72a7-3385-48ef-bd42-f606fba81ae7');
    expect(grants).toEqual([
      // A custom role defined in the template: on the resource group, or on each managed zone.
      { scope: "[parameters('dnsResourceGroup')]", role: undefined, assignments: 2 },
      { scope: 'subscription', role: 'reader', assignments: 1 },
      { scope: "[parameters('endpointResourceGroups')[copyIndex()]]", role: 'reader', assignments: 1 },
      // With zones.create only: a custom role with virtualNetworks/join/action (dns-role.test.ts).
      { scope: 'subscription', role: undefined, assignments: 1 },
      { scope: "[parameters('vnetResourceGroups')[copyIndex()]]", role: undefined, assignments: 1 },
      { scope: "[parameters('keyVaultResourceGroup')]", role: 'keyVaultSecretsUser', assignments: 1 },
    ]);
    expect(deployments.map((deployment) => deployment.condition)).toEqual([
      undefined,
      "[empty(parameters('endpointResourceGroups'))]",
      "[not(empty(parameters('endpointResourceGroups')))]",
      "[and(variables('zonesCreate'), empty(parameters('vnetResourceGroups')))]",
      "[and(variables('zonesCreate'), not(empty(parameters('vnetResourceGroups'))))]",
      "[not(empty(parameters('keyVaultName')))]",
    ]);
  });

  it('ships a minimal host.json with the extension bundle the Event Grid trigger needs', () => {
    // Act
    const host = JSON.parse(readFileSync('functions/azure/host.json', 'utf8'));

    // Assess
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle.id).toBe('Microsoft.Azure.Functions.ExtensionBundle');
    expect(host.functionTimeout).toBe(`00:0${FUNCTION_TIMEOUT_SECONDS / 60}:00`);
  });

  it('wires the repair fan-out: the sweep queue and its poison queue in the app’s storage, reachable by the identity', () => {
    // Act
    const host = JSON.parse(readFileSync('functions/azure/host.json', 'utf8'));
    const queues = ofType('Microsoft.Storage/storageAccounts/queueServices/queues').map((queue) => queue.name);
    const queueGrant = ofType('Microsoft.Authorization/roleAssignments').find((assignment) =>
      String(assignment.properties.roleDefinitionId).includes('storageQueueDataContributor'),
    );

    // Assess
    expect(template.variables.sweepQueue).toBe(SWEEP_QUEUE.name);
    expect(queues).toEqual([
      "[format('{0}/default/{1}', variables('storageName'), variables('sweepQueue'))]",
      "[format('{0}/default/{1}-poison', variables('storageName'), variables('sweepQueue'))]",
    ]);
    expect(SWEEP_QUEUE.poison).toBe(`${SWEEP_QUEUE.name}-poison`);
    expect((template.variables.roles as Record<string, string>).storageQueueDataContributor).toBe(
      '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    );
    expect((queueGrant as { scope?: string } | undefined)?.scope).toBe(
      "[format('Microsoft.Storage/storageAccounts/{0}', variables('storageName'))]",
    );
    expect(appSettingNames()).toContain(`${SWEEP_QUEUE.connection}__accountName`);
    // The coordinator finds the queue service from the account the template names (to see the previous sweep's depth).
    const settings = readAzureSettings({
      [AZURE_APP_SETTINGS.config]: '{"owner":"linkdns-azure-prod"}',
      [AZURE_APP_SETTINGS.subscriptionId]: '8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04',
      [AZURE_APP_SETTINGS.dnsResourceGroup]: 'rg-private-dns',
      [`${SWEEP_QUEUE.connection}__accountName`]: 'linkdnsq7x2m4',
    });
    expect(settings.queueServiceUri).toBe('https://linkdnsq7x2m4.queue.core.windows.net');
    // A failing batch is retried, one at a time per instance, then left in the poison queue.
    expect(host.extensions.queues).toMatchObject({ maxDequeueCount: 3, batchSize: 1, newBatchThreshold: 0 });
  });

  it('keeps all instances together within half the Private DNS request limit by construction', () => {
    // Prepare: the app setting's expression, evaluated as ARM does (int arithmetic, `div` rounds down)
    const expression = appSettingExpression(AZURE_APP_SETTINGS.armRequestsPerHour);
    const parameters = template.parameters as Record<
      string,
      { defaultValue?: number; minValue?: number; maxValue?: number }
    >;
    const perInstance = (values: Record<string, number>) => Number(evaluateArm(expression, values));
    const defaults = Object.fromEntries(
      ['privateDnsReadsPerFiveMinutes', 'armSharePercent', 'maximumInstanceCount'].map((name) => [
        name,
        Number(parameters[name]?.defaultValue),
      ]),
    );

    // Act
    const atDefaults = perInstance(defaults);
    const worst = [1, 2, 3, 4, 7, 10, 40, 99, 100, 1000].flatMap((instances) =>
      [1, 10, 33, 50, 100].map((share) => {
        const values = { ...defaults, maximumInstanceCount: instances, armSharePercent: share };
        const allowedPerHour = (defaults.privateDnsReadsPerFiveMinutes as number) * 12 * (share / 100);
        return { instances, share, total: instances * perInstance(values), allowedPerHour };
      }),
    );

    // Assess: the documented 500 GETs per 5 minutes, half of it, over 4 instances: 750 requests/hour each
    expect(defaults).toEqual({ privateDnsReadsPerFiveMinutes: 500, armSharePercent: 50, maximumInstanceCount: 4 });
    expect(atDefaults).toBe(750);
    expect(worst.filter((row) => row.total > row.allowedPerHour)).toEqual([]);
    expect(parameters.maximumInstanceCount).toMatchObject({ minValue: 1, maxValue: 1000 });
    // The functions read it, and refuse a deployment whose share rounds down to nothing per instance.
    const settings = (value: string) =>
      readAzureSettings({
        [AZURE_APP_SETTINGS.config]: '{"owner":"linkdns-azure-prod"}',
        [AZURE_APP_SETTINGS.subscriptionId]: '8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04',
        [AZURE_APP_SETTINGS.dnsResourceGroup]: 'rg-private-dns',
        [AZURE_APP_SETTINGS.armRequestsPerHour]: value,
      });
    expect(settings(String(atDefaults)).armRequestsPerHour).toBe(750);
    expect(() => settings('0')).toThrow(/LINKDNS_ARM_REQUESTS_PER_HOUR: must be at least 1/);
  });
});

/** The value expression of one app setting in the createObject(...) call. */
function appSettingExpression(name: string): string {
  const [settings] = ofType('Microsoft.Web/sites/config');
  const expression = String(settings?.properties);
  const start = expression.indexOf(`'${name}', `) + name.length + 4;
  let depth = 0;
  for (let index = start; index < expression.length; index += 1) {
    const char = expression[index];
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if ((char === ',' && depth === 0) || depth < 0) return expression.slice(start, index).trim();
  }
  throw new Error(`no app setting ${name}`);
}

/** Evaluates the ARM functions the budget uses: string, div, mul, parameters and integer literals. */
function evaluateArm(expression: string, parameters: Record<string, number>): number | string {
  const call = /^(\w+)\((.*)\)$/s.exec(expression.trim());
  if (!call) {
    if (!/^\d+$/.test(expression.trim())) throw new Error(`cannot evaluate ${expression}`);
    return Number(expression.trim());
  }
  const [, name, inner] = call as unknown as [string, string, string];
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of inner) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      args.push(current);
      current = '';
    } else current += char;
  }
  args.push(current);
  if (name === 'parameters') {
    const parameter = (args[0] ?? '').trim().replace(/^'|'$/g, '');
    if (!(parameter in parameters)) throw new Error(`parameter ${parameter} has no value`);
    return parameters[parameter] as number;
  }
  const values = args.map((arg) => Number(evaluateArm(arg, parameters)));
  if (name === 'mul') return (values[0] as number) * (values[1] as number);
  if (name === 'div') return Math.trunc((values[0] as number) / (values[1] as number));
  if (name === 'string') return String(values[0]);
  throw new Error(`cannot evaluate ${name}()`);
}

describe('functions/azure/functions.ts', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('registers the functions under the names the template targets, configured from app settings', async () => {
    // Prepare
    vi.stubEnv(AZURE_APP_SETTINGS.config, JSON.stringify({ owner: 'linkdns-azure-prod' }));
    vi.stubEnv(AZURE_APP_SETTINGS.subscriptionId, '8f3c2a7e-4b1d-4e6a-9c3f-2d5e7a1b9c04');
    vi.stubEnv(AZURE_APP_SETTINGS.dnsResourceGroup, 'rg-private-dns');
    vi.stubEnv(AZURE_APP_SETTINGS.repairSchedule, '0 */5 * * * *');
    const eventGrid = vi.spyOn(app, 'eventGrid').mockImplementation(() => undefined);
    const timer = vi.spyOn(app, 'timer').mockImplementation(() => undefined);
    const storageQueue = vi.spyOn(app, 'storageQueue').mockImplementation(() => undefined);

    // Act
    await import('../../functions/azure/functions.ts');

    // Assess
    expect(eventGrid.mock.calls.map(([name]) => name)).toEqual([
      AZURE_FUNCTION_NAMES.endpointEvents,
      AZURE_FUNCTION_NAMES.zoneEvents,
    ]);
    expect(timer.mock.calls.map(([name, options]) => [name, options.schedule])).toEqual([
      [AZURE_FUNCTION_NAMES.scheduledRepair, '%LINKDNS_REPAIR_SCHEDULE%'],
    ]);
    // The timer runs the coordinator, which writes the sweep queue the worker is triggered by.
    const timerOptions = timer.mock.calls[0]?.[1] as { extraOutputs?: unknown[] } | undefined;
    expect(timerOptions?.extraOutputs).toEqual([
      expect.objectContaining({ type: 'queue', queueName: SWEEP_QUEUE.name, connection: SWEEP_QUEUE.connection }),
    ]);
    expect(storageQueue.mock.calls.map(([name, options]) => [name, options.queueName, options.connection])).toEqual([
      [AZURE_FUNCTION_NAMES.repairWorker, SWEEP_QUEUE.name, SWEEP_QUEUE.connection],
    ]);
    // The worker writes the same queue: the batches of a zone listing it carries on from the coordinator.
    const workerOptions = storageQueue.mock.calls[0]?.[1] as { extraOutputs?: unknown[] } | undefined;
    expect(workerOptions?.extraOutputs).toEqual(timerOptions?.extraOutputs);
  });

  it('fails loudly at load, listing every missing or invalid setting', async () => {
    // Prepare
    vi.stubEnv(AZURE_APP_SETTINGS.config, JSON.stringify({ owner: 'Not Valid', bogus: true }));
    vi.stubEnv(AZURE_APP_SETTINGS.subscriptionId, 'not-a-guid');
    vi.stubEnv(AZURE_APP_SETTINGS.dnsResourceGroup, '');

    // Act
    const loaded = await import('../../functions/azure/functions.ts').then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    // A fresh module graph per import: compare by name, not by class identity.
    expect(loaded).toMatchObject({ name: 'ConfigError' });
    expect((loaded as ConfigError).problems).toEqual([
      'AZURE_SUBSCRIPTION_ID: must be a subscription id (GUID)',
      'LINKDNS_DNS_RESOURCE_GROUP: is required (resource group of the Private DNS zones)',
      'LINKDNS_CONFIG owner: must be lowercase letters, digits and dashes (max 63)',
      expect.stringMatching(/^LINKDNS_CONFIG \(root\): Unrecognized key/),
    ]);
  });
});
