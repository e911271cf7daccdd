import { parseArgs } from 'node:util';
import {
  azIdsByName,
  observeVpcEndpoint,
  type SubnetZone,
  type VpcEndpointDescription,
} from '../aws/vpc-endpoint-mapping.ts';
import { InvalidInputError } from '../core/errors.ts';
import { BUILT_IN_LAYOUTS, desiredRecords } from '../core/layout.ts';
import { canonicalName, type ObservedEndpoint, type RecordSet } from '../core/model.ts';
import { observeForwardingRule } from '../gcp/forwarding-rule-mapping.ts';
import type { CommandResult } from './command.ts';
import { formatRecordTable } from './format.ts';
import { readInputJson } from './input-files.ts';
import { jsonDocument } from './json-output.ts';
import { RECORDS_USAGE } from './usage.ts';

/**
 * `linkdns records`: the records a domain needs, computed offline from what the cloud CLIs print.
 * Nothing is read from or written to any cloud.
 */
export async function recordsCommand(argv: readonly string[]): Promise<CommandResult> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      domain: { type: 'string' },
      layout: { type: 'string', default: 'zonal' },
      scope: { type: 'string' },
      json: { type: 'boolean', default: false },
      'aws-endpoints': { type: 'string' },
      'aws-subnets': { type: 'string' },
      'azure-endpoints': { type: 'string' },
      'azure-nics': { type: 'string' },
      'gcp-forwarding-rules': { type: 'string' },
    },
    strict: true,
  });
  if (!values.domain) throw new InvalidInputError(`--domain is required\n\n${RECORDS_USAGE}`);
  const layout = BUILT_IN_LAYOUTS[values.layout];
  if (!layout) throw new InvalidInputError(`--layout must be zonal or regional, not "${values.layout}"`);
  const sources = [values['aws-endpoints'], values['azure-endpoints'], values['gcp-forwarding-rules']].filter(Boolean);
  if (sources.length !== 1) {
    throw new InvalidInputError(
      `give exactly one of --aws-endpoints, --azure-endpoints, --gcp-forwarding-rules\n\n${RECORDS_USAGE}`,
    );
  }

  const endpoints = await readEndpoints(values);
  const inScope = selectScope(endpoints, values.scope);
  const records = desiredRecords({ domain: canonicalName(values.domain), layout, endpoints: inScope });
  return {
    exitCode: 0,
    stdout: values.json
      ? jsonDocument({ domain: canonicalName(values.domain), records: records.map(toJson) })
      : formatRecordTable(records),
  };
}

async function readEndpoints(values: Record<string, string | boolean | undefined>): Promise<ObservedEndpoint[]> {
  const awsEndpoints = values['aws-endpoints'] as string | undefined;
  if (awsEndpoints) {
    const subnetsFile = values['aws-subnets'] as string | undefined;
    if (!subnetsFile) throw new InvalidInputError('--aws-endpoints needs --aws-subnets (to map AZ names to AZ IDs)');
    const endpoints = listField<VpcEndpointDescription>(
      await readInputJson(awsEndpoints),
      'VpcEndpoints',
      awsEndpoints,
    );
    const subnets = listField<SubnetZone>(await readInputJson(subnetsFile), 'Subnets', subnetsFile);
    const zones = azIdsByName(subnets, `${subnetsFile}: Subnets`);
    return endpoints.map((endpoint, index) =>
      observeVpcEndpoint(endpoint, zones, `${awsEndpoints}: VpcEndpoints[${index}]`),
    );
  }
  const azureEndpoints = values['azure-endpoints'] as string | undefined;
  if (azureEndpoints) {
    const nicsFile = values['azure-nics'] as string | undefined;
    const nics = nicsFile ? await readInputJson(nicsFile) : [];
    // Imported only for Azure input: its schemas are zod, which the AWS and Google paths need not load at start.
    const { observeAzurePrivateEndpoints } = await import('../azure/private-endpoint-mapping.ts');
    try {
      return observeAzurePrivateEndpoints(await readInputJson(azureEndpoints), nics);
    } catch (error) {
      if (error instanceof InvalidInputError)
        throw new InvalidInputError(`${azureEndpoints}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  const rulesFile = values['gcp-forwarding-rules'] as string;
  const rules = await readInputJson(rulesFile);
  if (!Array.isArray(rules)) throw new InvalidInputError(`${rulesFile}: expected a JSON array of forwarding rules`);
  return rules.map((rule, index) => observeForwardingRule(rule, `${rulesFile}: [${index}]`));
}

/** Endpoints of several networks would need several zones: make the user pick one. */
function selectScope(endpoints: readonly ObservedEndpoint[], scope: string | undefined): ObservedEndpoint[] {
  const scopes = [...new Set(endpoints.map((endpoint) => endpoint.scope))];
  if (scope) return endpoints.filter((endpoint) => endpoint.scope === scope);
  if (scopes.length > 1) {
    throw new InvalidInputError(
      `endpoints span ${scopes.length} networks (${scopes.join(', ')}): choose one with --scope`,
    );
  }
  return [...endpoints];
}

function listField<T>(json: unknown, field: string, file: string): T[] {
  const list = (json as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(list)) throw new InvalidInputError(`${file}: expected an object with a "${field}" array`);
  return list as T[];
}

function toJson(record: RecordSet) {
  return { name: record.name, type: record.type, ttl: record.ttl, values: record.values };
}
