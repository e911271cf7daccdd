import { LayoutError } from './errors.ts';
import {
  CONTRIBUTING_STATES,
  compareRecords,
  type ObservedEndpoint,
  type RecordSet,
  type RecordType,
  recordSet,
} from './model.ts';

/**
 * A layout is data: which wildcard records a domain needs and where their values come from.
 * `{zone}` in a name expands to every zone label the endpoints have (`use1-az1`, `az2`, `us-central1-a`).
 */
export interface Layout {
  readonly name: string;
  readonly records: readonly RecordTemplate[];
  /**
   * Confluent's AWS single-subnet rule: when name-targeted endpoints cover exactly one zone, write a single
   * `*` record to that zonal name and no regional record.
   */
  readonly collapseSingleZone?: boolean;
}

export interface RecordTemplate {
  /** Relative name: `*`, `*.{zone}`, or any fixed relative name. */
  readonly name: string;
  readonly from: 'regional' | 'zonal';
}

/** Regional + zonal wildcards, as in Confluent's dedicated-cluster Terraform examples. */
export const ZONAL_LAYOUT: Layout = {
  name: 'zonal',
  records: [
    { name: '*', from: 'regional' },
    { name: '*.{zone}', from: 'zonal' },
  ],
  collapseSingleZone: true,
};

/** One wildcard to the regional target: PrivateLink attachments, ingress gateway access points. */
export const REGIONAL_LAYOUT: Layout = { name: 'regional', records: [{ name: '*', from: 'regional' }] };

export const BUILT_IN_LAYOUTS: Readonly<Record<string, Layout>> = { zonal: ZONAL_LAYOUT, regional: REGIONAL_LAYOUT };

export const DEFAULT_TTL = 60;

export interface DesiredRecordsInput {
  readonly domain: string;
  readonly layout: Layout;
  /** Every endpoint mapped to this (domain, scope); non-contributing states are ignored here. */
  readonly endpoints: readonly ObservedEndpoint[];
  readonly ttl?: number;
}

/**
 * Computes the records a domain needs from all endpoints that map to it.
 *
 * A-record layouts merge every endpoint's IPs (Azure `*` holds all of them). A CNAME holds exactly one target,
 * so name-targeted layouts accept a single contributing endpoint and raise {@link LayoutError} otherwise.
 *
 * @example
 * desiredRecords({ domain: 'pr1jy6.us-east-2.aws.confluent.cloud', layout: ZONAL_LAYOUT, endpoints: [vpce] })
 * // → *.pr1jy6… CNAME regional name, *.use2-az1.pr1jy6… CNAME zonal name, …
 */
export function desiredRecords(input: DesiredRecordsInput): RecordSet[] {
  const ttl = input.ttl ?? DEFAULT_TTL;
  const endpoints = input.endpoints.filter((endpoint) => CONTRIBUTING_STATES.has(endpoint.state));
  // Stryker disable next-line ConditionalExpression: equivalent, with no endpoint every template gets no values and adds nothing
  if (endpoints.length === 0) return [];

  const kinds = new Set(endpoints.map((endpoint) => endpoint.targetKind));
  if (kinds.size > 1) {
    throw new LayoutError(`Domain ${input.domain} mixes DNS-name and IP endpoints: ${ids(endpoints)}`);
  }
  // Stryker disable next-line OptionalChaining: equivalent, endpoints is not empty here
  const type: RecordType = endpoints[0]?.targetKind === 'name' ? 'CNAME' : 'A';
  if (type === 'CNAME' && endpoints.length > 1) {
    throw new LayoutError(
      `Domain ${input.domain} has ${endpoints.length} endpoints but a CNAME can point at one only: ${ids(endpoints)}. ` +
        'Records are left as they are until one of them is removed or mapped elsewhere.',
    );
  }

  const regional = endpoints.flatMap((endpoint) => endpoint.regional);
  const zones = new Map<string, string[]>();
  for (const endpoint of endpoints) {
    for (const [zone, values] of Object.entries(endpoint.zonal)) {
      zones.set(zone, [...(zones.get(zone) ?? []), ...values]);
    }
  }

  const records: RecordSet[] = [];
  const add = (relativeName: string, values: readonly string[]): void => {
    if (values.length > 0) records.push(recordSet(absoluteName(relativeName, input.domain), type, ttl, values));
  };

  const [onlyZone] = zones.values();
  if (input.layout.collapseSingleZone && type === 'CNAME' && zones.size === 1 && onlyZone) {
    add('*', onlyZone);
    return records;
  }

  for (const template of input.layout.records) {
    if (template.from === 'regional') {
      add(template.name, regional);
    } else if (template.name.includes('{zone}')) {
      for (const [zone, values] of zones) add(template.name.replaceAll('{zone}', zone), values);
    } else {
      add(template.name, [...zones.values()].flat());
    }
  }
  return records.sort(compareRecords);
}

/** `*` + `example.com` → `*.example.com`; `@` is the apex. */
export function absoluteName(relativeName: string, domain: string): string {
  return relativeName === '@' || relativeName === '' ? domain : `${relativeName}.${domain}`;
}

function ids(endpoints: readonly ObservedEndpoint[]): string {
  return endpoints.map((endpoint) => endpoint.id).join(', ');
}
