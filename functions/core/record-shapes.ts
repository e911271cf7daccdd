import { type LinkdnsConfig, layoutByName } from './config.ts';
import { BUILT_IN_LAYOUTS } from './layout.ts';
import { canonicalName, type RecordSet, type RecordType } from './model.ts';
import { REGISTRY_LABEL } from './registry.ts';

/**
 * The record names and types the configured layouts can produce in a zone — the one set linkdns may ever create,
 * change or delete there, whatever a zone's ownership registry claims. It is the rule the AWS IAM condition encodes
 * (`infra/lib/record-name-conditions.ts`), enforced in code on every cloud: the planner ignores (and reports) registry
 * entries outside it, and every adapter refuses a change outside it before sending anything.
 *
 * Per layout template: `*` is the literal wildcard label, `{zone}` one zone label of a known shape (an AWS AZ ID such as
 * `use2-az1`, Azure `az<N>`, a Google zone such as `us-central1-a`, or a label the configuration names in `zoneOverrides`
 * or a mapping's `zone`), `@` the apex.
 * Record types: A and CNAME for layout records, TXT for the registry `_linkdns.<zone>` only. So a forged registry entry
 * `record=A:@`, `record=MX:mail` or `record=CNAME:*.legacy` names nothing linkdns may touch.
 */
export interface ProducibleRecords {
  /** True when a layout can produce `record` in the zone `domain`. */
  allows(record: Pick<RecordSet, 'name' | 'type'>, domain: string): boolean;
}

/** Record types a layout writes: CNAME for DNS-name endpoints (AWS), A for IP endpoints (Azure, Google). */
const LAYOUT_RECORD_TYPES: ReadonlySet<RecordType> = new Set(['A', 'CNAME']);

/** Zone labels as they appear in record names. */
const ZONE_LABEL_SHAPES = [
  // AWS AZ IDs: use2-az1, apse2-az3; Local Zones use1-bos1-az1; Wavelength use1-wl1-bos-wlz1.
  '[a-z]{2,5}[0-9]{1,2}(?:-[a-z0-9]+)*-(?:az|wlz)[0-9]{1,2}',
  // Azure: az1..az3 (the zone tag and the alias pattern both give az<N>).
  'az[0-9]{1,2}',
  // Google: us-central1-a, northamerica-northeast1-b.
  '[a-z]+-[a-z]+[0-9]{1,2}-[a-z]',
];

/** The producible set of `config`: every layout (a `linkdns:layout` tag may pick any), as in the IAM condition. */
export function producibleRecords(
  config: Pick<LinkdnsConfig, 'layouts' | 'zoneOverrides'> & {
    readonly mappings: readonly { readonly zone?: string }[];
  },
): ProducibleRecords {
  const configuredLabels = [
    ...Object.values(config.zoneOverrides),
    ...config.mappings.flatMap((mapping) => (mapping.zone ? [mapping.zone] : [])),
  ];
  const zoneLabel = `(?:${[...ZONE_LABEL_SHAPES, ...configuredLabels.map(escapeRegExp)].join('|')})`;
  const relativeNames = new Set<string>();
  for (const name of [...Object.keys(BUILT_IN_LAYOUTS), ...Object.keys(config.layouts)]) {
    const layout = layoutByName(config as LinkdnsConfig, name);
    if (!layout) continue;
    for (const template of layout.records) relativeNames.add(template.name);
    // A single-zone collapse writes the zonal target at `*` even when the layout has no `*` template.
    if (layout.collapseSingleZone) relativeNames.add('*');
  }
  const patterns = [...relativeNames].map(
    (template) =>
      new RegExp(
        `^${template
          .split('{zone}')
          .map((part) => escapeRegExp(part))
          .join(zoneLabel)}$`,
      ),
  );
  return {
    allows(record, domain) {
      const zone = canonicalName(domain);
      const name = canonicalName(record.name);
      if (name === `${REGISTRY_LABEL}.${zone}`) return record.type === 'TXT';
      if (!LAYOUT_RECORD_TYPES.has(record.type)) return false;
      const relative = name === zone ? '@' : name.endsWith(`.${zone}`) ? name.slice(0, -(zone.length + 1)) : undefined;
      if (relative === undefined) return false;
      return patterns.some((pattern) => pattern.test(relative) || (relative === '@' && pattern.test('')));
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
