import { invalid, LocalGoogleError } from './google-errors.ts';

/**
 * The forwarding rules of the local Compute Engine v1 API, stored as the API returns them (the fields of
 * `gcloud compute forwarding-rules list --format=json`), keyed by `projects/P/regions/R/forwardingRules/N`, or
 * `projects/P/global/forwardingRules/N` for global rules (PSC endpoints for Google APIs, global load balancers),
 * which have no `region` field.
 *
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/globalForwardingRules
 */
export type StoredForwardingRule = Readonly<Record<string, unknown>> & {
  readonly name: string;
  readonly selfLink: string;
  readonly region?: string;
};

const SELF_LINK_PREFIX = 'https://www.googleapis.com/compute/v1/';
const RULE_PATH = /projects\/([^/]+)\/(?:regions\/([^/]+)|global)\/forwardingRules\/([^/]+)$/;
/** The key of a global rule in place of a region. */
export const GLOBAL = 'global';

export class ComputeState {
  readonly #rules = new Map<string, StoredForwardingRule>();

  /** Stores a rule; `selfLink` (or `region` + `name` + `project`) says where. */
  putForwardingRule(rule: Record<string, unknown>, project?: string): StoredForwardingRule {
    const selfLink =
      typeof rule.selfLink === 'string'
        ? rule.selfLink
        : `${SELF_LINK_PREFIX}projects/${project}/regions/${lastSegment(String(rule.region ?? ''))}/forwardingRules/${String(rule.name ?? '')}`;
    const match = RULE_PATH.exec(selfLink);
    const [owner, region, name] = [match?.[1], match?.[2] ?? GLOBAL, match?.[3]];
    if (!owner || !name) throw invalid(`Not a forwarding rule self link: ${selfLink}`);
    const { region: _given, ...rest } = rule;
    const stored: StoredForwardingRule = {
      kind: 'compute#forwardingRule',
      ...rest,
      name,
      selfLink: `${SELF_LINK_PREFIX}${rulePath(owner, region, name)}`,
      ...(region === GLOBAL ? {} : { region: `${SELF_LINK_PREFIX}projects/${owner}/regions/${region}` }),
    };
    this.#rules.set(rulePath(owner, region, name), stored);
    return stored;
  }

  deleteForwardingRule(project: string, region: string, name: string): void {
    this.#rules.delete(rulePath(project, region, name));
  }

  forwardingRule(project: string, region: string, name: string): StoredForwardingRule {
    const rule = this.#rules.get(rulePath(project, region, name));
    if (!rule) {
      throw new LocalGoogleError(404, 'notFound', `The resource '${rulePath(project, region, name)}' was not found`);
    }
    return rule;
  }

  /** The rules of one region (or of {@link GLOBAL}), or of every region and global with `region` undefined. */
  forwardingRules(project: string, region?: string, filter?: string): StoredForwardingRule[] {
    const matches = parseFilter(filter);
    const regionOf = (path: string) => (path.split('/')[2] === GLOBAL ? GLOBAL : path.split('/')[3]);
    return [...this.#rules.entries()]
      .filter(([path]) => path.startsWith(`projects/${project}/`))
      .filter(([path]) => region === undefined || regionOf(path) === region)
      .map(([, rule]) => rule)
      .filter(matches)
      .sort((a, b) => a.selfLink.localeCompare(b.selfLink));
  }
}

function rulePath(project: string, region: string, name: string): string {
  return region === GLOBAL
    ? `projects/${project}/global/forwardingRules/${name}`
    : `projects/${project}/regions/${region}/forwardingRules/${name}`;
}

function lastSegment(value: string): string {
  return value.split('/').at(-1) ?? value;
}

/**
 * Compute's `filter` in the two forms it accepts (not mixed in one request): `field = "value"` / `field != "value"`
 * / `field:"value"` (AIP-160: equality, inequality, has-substring) and `field eq regex` / `field ne regex` (the older
 * regular-expression form, matched against the whole value). Several expressions, each in parentheses, must all hold.
 */
export function parseFilter(filter: string | undefined): (rule: Readonly<Record<string, unknown>>) => boolean {
  if (filter === undefined || filter.trim() === '') return () => true;
  const expressions = filter.includes('(')
    ? [...filter.matchAll(/\(([^()]*)\)/g)].map((match) => match[1] ?? '')
    : [filter];
  const tests = expressions.map((expression) => {
    const match = /^\s*([A-Za-z][\w.]*)\s*(=|!=|:|\beq\b|\bne\b)\s*(?:"([^"]*)"|(\S+))\s*$/.exec(expression);
    if (!match?.[1] || !match[2]) throw invalid(`Invalid value for field 'filter': '${filter}'`);
    const field = match[1];
    const operator = match[2];
    const literal = match[3] ?? match[4] ?? '';
    return (rule: Readonly<Record<string, unknown>>) => {
      const value = field
        .split('.')
        .reduce<unknown>((object, key) => (object as Record<string, unknown> | undefined)?.[key], rule);
      const text = value === undefined || value === null ? '' : String(value);
      if (operator === '=') return text === literal;
      if (operator === '!=') return text !== literal;
      if (operator === ':') return text.includes(literal);
      const regex = new RegExp(`^(?:${literal})$`);
      return operator === 'eq' ? regex.test(text) : !regex.test(text);
    };
  });
  return (rule) => tests.every((test) => test(rule));
}
