import { parseArgs } from 'node:util';
import {
  azIdsByName,
  listedVpcEndpoint,
  observeVpcEndpoint,
  type SubnetZone,
  type VpcEndpointDescription,
} from '../aws/vpc-endpoint-mapping.ts';
import { InvalidInputError } from '../core/errors.ts';
import { BUILT_IN_LAYOUTS, desiredRecords } from '../core/layout.ts';
import type { ObservedEndpoint, RecordSet } from '../core/model.ts';
import { type ForwardingRuleDescription, observeForwardingRule } from '../gcp/forwarding-rule-mapping.ts';
import { isPscEndpoint } from '../gcp/forwarding-rule-source.ts';
import type { CommandResult } from './command.ts';
import { formatRecordTable } from './format.ts';
import { readInputJson } from './input-files.ts';
import { jsonDocument } from './json-output.ts';
import { availabilityZoneMap, checkedDomain, pastedObjects, pickService } from './pasted-endpoints.ts';
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
      service: { type: 'string' },
      json: { type: 'boolean', default: false },
      'aws-endpoints': { type: 'string' },
      'aws-subnets': { type: 'string' },
      'aws-azs': { type: 'string' },
      'azure-endpoints': { type: 'string' },
      'azure-nics': { type: 'string' },
      'gcp-forwarding-rules': { type: 'string' },
    },
    strict: true,
  });
  if (!values.domain) throw new InvalidInputError(`--domain is required\n\n${RECORDS_USAGE}`);
  const domain = checkedDomain(values.domain);
  const layout = BUILT_IN_LAYOUTS[values.layout];
  if (!layout) throw new InvalidInputError(`--layout must be zonal or regional, not "${values.layout}"`);
  const sources = [values['aws-endpoints'], values['azure-endpoints'], values['gcp-forwarding-rules']].filter(Boolean);
  if (sources.length !== 1) {
    throw new InvalidInputError(
      `give exactly one of --aws-endpoints, --azure-endpoints, --gcp-forwarding-rules\n\n${RECORDS_USAGE}`,
    );
  }

  const { endpoints, skipped } = await readEndpoints(values);
  if (endpoints.length === 0) {
    const file = sources[0] as string;
    throw new InvalidInputError(
      `${file}: no endpoint to a service in it${skipped.length > 0 ? ` (skipped: ${skipped.join(', ')})` : ''}; expected ${SOURCE_SHAPES}`,
    );
  }
  const records = desiredRecords({ domain, layout, endpoints });
  return {
    exitCode: 0,
    stdout: values.json ? jsonDocument({ domain, records: records.map(toJson) }) : formatRecordTable(records),
    ...(skipped.length > 0 ? { stderr: `skipped (not endpoints to a service): ${skipped.join(', ')}\n` } : {}),
  };
}

type Flags = Record<string, string | boolean | undefined>;

const SOURCE_SHAPES =
  'aws ec2 describe-vpc-endpoints / create-vpc-endpoint, az network private-endpoint list / show (or ARM list / GET), ' +
  'or gcloud compute forwarding-rules list / describe JSON output';

/**
 * The endpoints the records come from: the pasted output's endpoints (unrelated resources skipped), in `--scope`,
 * connecting to the service `--service` picks; only those are read deeply, so an S3 endpoint's wildcard names or a
 * storage endpoint's missing NIC never stop the command.
 */
async function readEndpoints(values: Flags): Promise<{ endpoints: ObservedEndpoint[]; skipped: string[] }> {
  const scope = values.scope as string | undefined;
  const service = values.service as string | undefined;
  const awsEndpoints = values['aws-endpoints'] as string | undefined;
  if (awsEndpoints) {
    const subnetsFile = values['aws-subnets'] as string | undefined;
    const azsFile = values['aws-azs'] as string | undefined;
    if (!subnetsFile && !azsFile) {
      throw new InvalidInputError(
        '--aws-endpoints needs --aws-subnets or --aws-azs (describe-subnets or describe-availability-zones output, to map AZ names to AZ IDs)',
      );
    }
    const items = pastedObjects(
      await readInputJson(awsEndpoints),
      awsEndpoints,
      'VPC endpoint',
      'VpcEndpoints',
      'VpcEndpoint',
    );
    const zones = azIdsByName(
      [
        ...(subnetsFile ? listField<SubnetZone>(await readInputJson(subnetsFile), 'Subnets', subnetsFile) : []),
        ...(azsFile ? availabilityZoneMap(await readInputJson(azsFile), azsFile) : []),
      ],
      `${subnetsFile ?? azsFile}: availability zones`,
    );
    const described = items as VpcEndpointDescription[];
    // Gateway, Gateway Load Balancer, Resource and ServiceNetwork endpoints have no names to point records at.
    const interfaces = described.filter((endpoint) => String(endpoint.VpcEndpointType).toLowerCase() === 'interface');
    const skipped = described.filter((endpoint) => !interfaces.includes(endpoint)).map(describeAwsSkip);
    const picked = pickService(selectScope(interfaces.map(listedVpcEndpoint), scope), service);
    return {
      endpoints: picked.map((endpoint) =>
        observeVpcEndpoint(
          described.find((candidate) => candidate.VpcEndpointId === endpoint.id) as VpcEndpointDescription,
          zones,
          `${awsEndpoints}: VpcEndpoints[${described.findIndex((candidate) => candidate.VpcEndpointId === endpoint.id)}]`,
        ),
      ),
      skipped,
    };
  }
  const azureEndpoints = values['azure-endpoints'] as string | undefined;
  if (azureEndpoints) {
    const nicsFile = values['azure-nics'] as string | undefined;
    const nics = nicsFile ? pastedObjects(await readInputJson(nicsFile), nicsFile, 'network interface') : [];
    // Imported only for Azure input: its schemas are zod, which the AWS and Google paths need not load at start.
    const { listedAzurePrivateEndpoint, observeAzurePrivateEndpoint } = await import(
      '../azure/private-endpoint-mapping.ts'
    );
    const items = pastedObjects(await readInputJson(azureEndpoints), azureEndpoints, 'private endpoint');
    const listed = items.map((item) => ({ item, endpoint: listedAzurePrivateEndpoint(item) }));
    const skipped = listed.filter((entry) => !entry.endpoint?.service).map((entry) => describeAzureSkip(entry.item));
    const endpoints = listed.flatMap((entry) => (entry.endpoint?.service ? [entry.endpoint] : []));
    const picked = new Set(pickService(selectScope(endpoints, scope), service).map((endpoint) => endpoint.id));
    try {
      return {
        endpoints: listed
          .filter((entry) => entry.endpoint && picked.has(entry.endpoint.id))
          .map((entry) => observeAzurePrivateEndpoint(entry.item, nics)),
        skipped,
      };
    } catch (error) {
      if (error instanceof InvalidInputError)
        throw new InvalidInputError(`${azureEndpoints}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  const rulesFile = values['gcp-forwarding-rules'] as string;
  const rules = pastedObjects(
    await readInputJson(rulesFile),
    rulesFile,
    'forwarding rule',
  ) as ForwardingRuleDescription[];
  // Load-balancer rules and PSC endpoints for Google APIs (all-apis, vpc-sc) target no service attachment.
  const psc = rules.filter(isPscEndpoint);
  const skipped = rules
    .filter((rule) => !psc.includes(rule))
    .map((rule) => `${rule.name ?? '?'} (target ${rule.target ?? 'none'})`);
  const listed = psc.map((rule) => ({
    rule,
    endpoint: {
      cloud: 'gcp' as const,
      id: rule.selfLink ?? rule.name ?? '',
      service: rule.target ?? '',
      scope: rule.network ?? '',
    },
  }));
  const picked = new Set(
    pickService(
      selectScope(
        listed.map((entry) => entry.endpoint),
        scope,
      ),
      service,
    ).map((endpoint) => endpoint.id),
  );
  return {
    endpoints: listed
      .filter((entry) => picked.has(entry.endpoint.id))
      .map((entry) => observeForwardingRule(entry.rule, `${rulesFile}: ${entry.rule.name ?? '?'}`)),
    skipped,
  };
}

function describeAwsSkip(endpoint: VpcEndpointDescription): string {
  return `${endpoint.VpcEndpointId ?? '?'} (${endpoint.VpcEndpointType ?? 'no type'}${endpoint.ServiceName ? ` ${endpoint.ServiceName}` : ''})`;
}

function describeAzureSkip(item: unknown): string {
  return `${(item as { id?: unknown; name?: unknown } | null)?.name ?? '?'} (no private link service connection)`;
}

/** Endpoints of several networks would need several zones: make the user pick one. */
function selectScope<T extends Pick<ObservedEndpoint, 'scope'>>(
  endpoints: readonly T[],
  scope: string | undefined,
): T[] {
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
