import { type LinkdnsConfig, layoutByName } from '../../functions/core/config.ts';
import { BUILT_IN_LAYOUTS } from '../../functions/core/layout.ts';
import { canonicalName } from '../../functions/core/model.ts';
import { REGISTRY_LABEL } from '../../functions/core/registry.ts';

/** Record types linkdns writes: CNAME (AWS endpoints' DNS names), A (IP endpoints), TXT (the ownership registry). */
export const MANAGED_RECORD_TYPES = ['A', 'CNAME', 'TXT'] as const;

/**
 * Writes a DNS name the way Route 53 presents it to the `route53:ChangeResourceRecordSetsNormalizedRecordNames`
 * condition key: lowercase, no trailing dot, every character other than `a-z 0-9 - _ .` as a backslash and three
 * octal digits (`*` → `\052`).
 *
 * @example normalizedRecordName('*.Use1-AZ1.Example.com.') // → '\\052.use1-az1.example.com'
 */
export function normalizedRecordName(name: string): string {
  return escapeForCondition(canonicalName(name));
}

function escapeForCondition(text: string): string {
  return [...text.toLowerCase()]
    .map((char) =>
      /[a-z0-9_.-]/.test(char)
        ? char
        : [...Buffer.from(char, 'utf8')].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join(''),
    )
    .join('');
}

/**
 * The `ForAllValues:StringLike` patterns that let linkdns change exactly the records its configuration can produce
 * and nothing else in the zone.
 *
 * For every layout (built-in or configured: a `linkdns:layout` tag may pick any of them) each record template becomes
 * a pattern: the literal `*` of a wildcard record is normalised to `\052`, and `{zone}`, which stands for a zone label
 * unknown at deploy time, becomes the IAM wildcard `*`. Each pattern is anchored to every mapped domain; domains in
 * `allowedDomains` get it only one or more labels below them (`\052.*.<domain>`), because a tag may name a subdomain
 * and nothing else: never the allowlisted domain itself. The ownership registry `_linkdns.<domain>` is added for every
 * domain (below an allowlisted one likewise).
 *
 * @example
 * // mapping domain pr1jy6.us-east-2.aws.confluent.cloud, built-in layouts →
 * // ['\\052.*.pr1jy6.us-east-2.aws.confluent.cloud', '\\052.pr1jy6.us-east-2.aws.confluent.cloud',
 * //  '_linkdns.pr1jy6.us-east-2.aws.confluent.cloud']
 */
export function managedRecordNamePatterns(config: LinkdnsConfig): string[] {
  const relative = new Set<string>([REGISTRY_LABEL]);
  for (const name of [...Object.keys(BUILT_IN_LAYOUTS), ...Object.keys(config.layouts)]) {
    const layout = layoutByName(config, name);
    if (!layout) continue;
    for (const template of layout.records) relative.add(relativePattern(template.name));
    // A single-zone collapse writes the zonal target at `*` even when the layout has no `*` template.
    if (layout.collapseSingleZone) relative.add(relativePattern('*'));
  }

  const patterns = new Set<string>();
  const anchor = (pattern: string, domain: string) => patterns.add(pattern === '' ? domain : `${pattern}.${domain}`);
  for (const mapping of config.mappings) {
    for (const pattern of relative) anchor(pattern, mapping.domain);
  }
  // A tag may only name a domain strictly below an allowlisted one, so nothing is anchored at the allowlisted domain
  // itself: `\052.<allowed domain>` would be a wildcard answering for every name of, say, a whole region.
  for (const domain of config.allowedDomains) {
    for (const pattern of relative) anchor(pattern === '' ? '*' : `${pattern}.*`, domain);
  }
  return withoutSubsumed([...patterns]).sort();
}

/**
 * Drops patterns another pattern already covers (`\052.*.*.<domain>` under `\052.*.<domain>`): the IAM `*` spans
 * dots, and the policy has a size limit. Sound because patterns hold no literal `*` (it is written `\052`), so any
 * `*` of the covered pattern lies inside a `*` of the covering one.
 */
function withoutSubsumed(patterns: readonly string[]): string[] {
  const asRegExp = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
        .join('.*')}$`,
    );
  return patterns.filter((pattern) => !patterns.some((other) => other !== pattern && asRegExp(other).test(pattern)));
}

/** `*.{zone}` → `\052.*`; `@` → '' (the apex). */
function relativePattern(templateName: string): string {
  if (templateName === '@' || templateName === '') return '';
  return templateName
    .split('{zone}')
    .map((part) => escapeForCondition(part))
    .join('*');
}
