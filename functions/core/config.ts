import { z } from 'zod';
import { confluentDiscoverySchema } from './confluent-config.ts';
import { ConfigError } from './errors.ts';
import { globMatches } from './glob.ts';
import { BUILT_IN_LAYOUTS, DEFAULT_TTL, type Layout } from './layout.ts';
import { canonicalName, isWithinDomain, type ObservedEndpoint } from './model.ts';
import { notificationDestinationSchema } from './notification-config.ts';
import { POLICIES } from './plan.ts';

const domainSchema = z
  .string()
  .transform(canonicalName)
  .refine(
    (name) => /^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(name),
    {
      message: 'must be a DNS name with at least two labels',
    },
  );

/**
 * An allowlist entry: a domain, or `{ domain, depth }` when tags must name a domain exactly `depth` labels below it
 * (Confluent dedicated clusters: `{ "domain": "aws.confluent.cloud", "depth": 2 }` for `<id>.<region>.aws.confluent.cloud`,
 * so a tag can never name the region-wide parent `us-east-2.aws.confluent.cloud`).
 */
const allowedDomainSchema = z.union([
  domainSchema.transform((domain) => ({ domain, depth: undefined as number | undefined })),
  z.object({ domain: domainSchema, depth: z.number().int().min(1).max(10).optional() }).strict(),
]);

const layoutSchema = z
  .object({
    records: z
      .array(
        z
          .object({
            name: z.string().regex(/^(\*|@|[a-z0-9*_{}.-]+)$/, 'must be a relative name such as *, *.{zone} or @'),
            from: z.enum(['regional', 'zonal']),
          })
          .strict(),
      )
      .min(1),
    collapseSingleZone: z.boolean().default(false),
  })
  .strict();

const zoneLabelSchema = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be one DNS label');

const mappingSchema = z
  .object({
    /** Service the endpoint connects to: exact name or glob (`*`, `?`). */
    service: z.string().min(1),
    domain: domainSchema,
    layout: z.string().default('zonal'),
    cloud: z.enum(['aws', 'azure', 'gcp']).optional(),
    /**
     * Record label of the zone every endpoint connecting to this service serves (`az1`, `us-central1-a`), for endpoints
     * reached by IP (Azure, GCP); wins over the alias or attachment naming pattern. Discovery fills it from Confluent's
     * `zonal_subdomains`.
     */
    zone: zoneLabelSchema.optional(),
    /**
     * The zonal record labels the service's provider advertises for the domain (Confluent's `zonal_subdomains`): every
     * reconcile checks that the zonal records linkdns writes are exactly these, and reports a conflict otherwise.
     */
    advertisedZones: z.array(zoneLabelSchema).optional(),
    /** Where the mapping came from when it was not typed (`confluent n-abc123 env-xyz`), for messages. */
    origin: z.string().optional(),
  })
  .strict();

const configObjectSchema = z
  .object({
    /** The JSON Schema an editor checks the file with (`dist/linkdns-config.schema.json`); linkdns ignores it. */
    $schema: z.string().optional(),
    /** Fixed per deployment; written into every zone's ownership registry. */
    owner: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (max 63)'),
    policy: z.enum(POLICIES).default('sync'),
    ttl: z.number().int().min(1).max(86_400).default(DEFAULT_TTL),
    adoptExisting: z.boolean().default(false),
    /**
     * Domains a `linkdns:domain` tag may name a domain strictly below (at the entry's `depth` when given). Empty: tags
     * cannot choose.
     */
    allowedDomains: z.array(allowedDomainSchema).default([]),
    /** Allowlisted domain → depth: the same as `depth` in an `allowedDomains` entry (the form parsed configuration takes). */
    allowedDomainDepths: z.record(domainSchema, z.number().int().min(1).max(10)).default({}),
    tagKeys: z
      .object({
        domain: z.string().default('linkdns:domain'),
        layout: z.string().default('linkdns:layout'),
        zone: z.string().default('linkdns-zone'),
      })
      .strict()
      .default({ domain: 'linkdns:domain', layout: 'linkdns:layout', zone: 'linkdns-zone' }),
    layouts: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), layoutSchema).default({}),
    mappings: z.array(mappingSchema).default([]),
    zones: z
      .object({
        /** Create a missing private zone (opt-in). */
        create: z.boolean().default(false),
        /**
         * Extra VPCs / VNets / networks to associate with zones created for mapped domains (hub or peered networks).
         * Zones created because of a tag never get them.
         */
        extraNetworks: z.array(z.string().min(1)).default([]),
        /**
         * Domain → the network whose endpoints decide the zone's records, where several networks associated with the
         * zone hold endpoints of the service (hub-and-spoke). Others are consumers: see `functions/core/topology.ts`.
         */
        sources: z.record(domainSchema, z.string().min(1)).default({}),
      })
      .strict()
      .default({ create: false, extraNetworks: [], sources: {} }),
    /** Azure: Private Link service alias (glob) → zone label (`az1`), overriding the alias naming pattern. */
    zoneOverrides: z.record(z.string(), z.string().regex(/^[a-z0-9-]+$/)).default({}),
    notifications: z.array(notificationDestinationSchema).default([]),
    /** Derive mappings from Confluent Cloud's networking API (functions/confluent). */
    confluent: confluentDiscoverySchema.optional(),
  })
  .strict();

/** Parsed configuration is valid input again (deployments store it): entry depths move to `allowedDomainDepths`. */
export const configSchema = configObjectSchema.transform(({ allowedDomains, allowedDomainDepths, ...config }) => ({
  ...config,
  allowedDomains: allowedDomains.map((entry) => entry.domain),
  /** Allowlisted domain → the exact depth below it a tag must name, for entries that state one. */
  allowedDomainDepths: {
    ...allowedDomainDepths,
    ...Object.fromEntries(
      allowedDomains.flatMap((entry) => (entry.depth === undefined ? [] : [[entry.domain, entry.depth] as const])),
    ),
  } as Readonly<Record<string, number>>,
}));

export type LinkdnsConfig = z.infer<typeof configSchema>;

/**
 * Parses and validates configuration, reporting every problem at once.
 *
 * @param source names the file or variable in error messages
 * @throws ConfigError listing each problem with its path
 */
export function parseConfig(input: unknown, source = 'configuration'): LinkdnsConfig {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new ConfigError(source, [`not valid JSON: ${(error as Error).message}`]);
    }
  }
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`),
    );
  }
  const problems = parsed.data.mappings.flatMap((mapping, index) =>
    layoutByName(parsed.data, mapping.layout) ? [] : [`mappings.${index}.layout: unknown layout "${mapping.layout}"`],
  );
  if (problems.length > 0) throw new ConfigError(source, problems);
  return parsed.data;
}

export function layoutByName(config: LinkdnsConfig, name: string): Layout | undefined {
  const custom = config.layouts[name];
  if (custom) return { name, records: custom.records, collapseSingleZone: custom.collapseSingleZone };
  return BUILT_IN_LAYOUTS[name];
}

/** What an endpoint connects to and how it is tagged: all {@link resolveMapping} reads, known before any deep read. */
export type EndpointIdentity = Pick<ObservedEndpoint, 'cloud' | 'service' | 'tags'>;

export type MappingDecision =
  | {
      readonly managed: true;
      readonly domain: string;
      readonly layout: Layout;
      readonly via: 'tag' | 'mapping';
      /** The mapping's zone label for IP-reached endpoints (see the mapping schema). */
      readonly zone?: string;
      /** The zonal labels the provider advertises for the domain, to cross-check the records against. */
      readonly advertisedZones?: readonly string[];
    }
  | { readonly managed: false; readonly reason: string };

/**
 * Decides whether linkdns manages an endpoint, and for which domain and layout. A `linkdns:domain` tag wins over
 * service mappings, but whoever can tag an endpoint must not be able to steer DNS, so the tag must be a DNS name
 * strictly below an `allowedDomains` entry (at the entry's depth), never equal to or above an allowlisted or mapped
 * domain nor inside a mapped one — except the very domain a mapping gives this endpoint anyway.
 */
export function resolveMapping(endpoint: EndpointIdentity, config: LinkdnsConfig): MappingDecision {
  const taggedDomain = endpoint.tags[config.tagKeys.domain];
  const taggedLayout = endpoint.tags[config.tagKeys.layout];
  const mapping = config.mappings.find(
    (candidate) =>
      (!candidate.cloud || candidate.cloud === endpoint.cloud) && globMatches(candidate.service, endpoint.service),
  );
  if (taggedDomain !== undefined && !(mapping && sameDomainName(taggedDomain, mapping.domain))) {
    const checked = checkTagDomain(taggedDomain, config);
    if (!checked.ok) {
      return {
        managed: false,
        reason: `tag ${config.tagKeys.domain}=${JSON.stringify(taggedDomain)} ${checked.problem}`,
      };
    }
    const layoutName = taggedLayout ?? 'zonal';
    const layout = layoutByName(config, layoutName);
    if (!layout) return { managed: false, reason: `tag ${config.tagKeys.layout}=${layoutName} names no layout` };
    return { managed: true, domain: checked.domain, layout, via: 'tag' };
  }
  if (!mapping) return { managed: false, reason: `no mapping matches service ${endpoint.service}` };
  const layout = layoutByName(config, taggedLayout ?? mapping.layout);
  if (!layout) return { managed: false, reason: `tag ${config.tagKeys.layout}=${taggedLayout} names no layout` };
  return {
    managed: true,
    domain: mapping.domain,
    layout,
    via: 'mapping',
    ...(mapping.zone ? { zone: mapping.zone } : {}),
    ...(mapping.advertisedZones ? { advertisedZones: mapping.advertisedZones } : {}),
  };
}

/**
 * Checks a `linkdns:domain` tag value (finding: tags could name parents, wildcards and invalid names). The value must
 * be a DNS name by the configuration's own domain rule; strictly below an allowlisted domain, exactly `depth` labels
 * below when the entry states one; and not equal to, above or inside a domain a mapping manages (a tag joining a
 * mapped domain would add an unrelated endpoint's targets to its records), nor equal to or above an allowlisted one.
 */
export function checkTagDomain(
  value: string,
  config: Pick<LinkdnsConfig, 'allowedDomains' | 'allowedDomainDepths' | 'mappings'>,
): { ok: true; domain: string } | { ok: false; problem: string } {
  const parsed = domainSchema.safeParse(value);
  if (!parsed.success) return { ok: false, problem: 'is not a DNS name (letters, digits, dashes; two labels or more)' };
  const domain = parsed.data;
  const labels = (name: string) => name.split('.').length;
  const allowed = config.allowedDomains.find((entry) => {
    if (domain === entry || !isWithinDomain(domain, entry)) return false;
    const depth = config.allowedDomainDepths[entry];
    return depth === undefined || labels(domain) - labels(entry) === depth;
  });
  if (!allowed) {
    return { ok: false, problem: 'is not strictly below an allowedDomains entry (at the depth the entry states)' };
  }
  const above = [...config.allowedDomains, ...config.mappings.map((mapping) => mapping.domain)].find((managed) =>
    isWithinDomain(managed, domain),
  );
  if (above) {
    const mapped = config.mappings.some((mapping) => mapping.domain === above);
    const problem =
      above !== domain
        ? `is a parent of the managed domain ${above}`
        : mapped
          ? `names ${above}, which a mapping manages for another service`
          : `is the allowlisted domain ${above} itself`;
    return { ok: false, problem };
  }
  const inside = config.mappings.find((mapping) => isWithinDomain(domain, mapping.domain));
  if (inside) return { ok: false, problem: `lies inside ${inside.domain}, which a mapping manages` };
  return { ok: true, domain };
}

function sameDomainName(value: string, domain: string): boolean {
  return canonicalName(value) === canonicalName(domain);
}

/** Domains whose zones linkdns may manage: mapped domains and everything under the tag allowlist. */
export function managedDomains(config: LinkdnsConfig): string[] {
  return [...new Set([...config.mappings.map((mapping) => mapping.domain), ...config.allowedDomains])].sort();
}

// The glob lives in its own zod-free module so the offline CLI can match services without loading the schema.
export { globMatches };
