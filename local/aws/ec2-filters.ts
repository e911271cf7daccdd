import { Ec2ApiError } from './ec2-errors.ts';

/** One `Filter.N` of an EC2 Describe request. */
export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * Most EC2 filter values take wildcards: `*` any run of characters, `?` one character
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html). Matching is case-sensitive.
 */
function wildcardMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const source = [...pattern]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/**
 * Filters combine with AND, the values of one filter with OR. A `tag:<key>` filter on a resource without that tag,
 * like any filter whose attribute the resource lacks, does not match.
 */
export function matchesFilters(
  filters: readonly Ec2Filter[],
  attributes: Readonly<Record<string, readonly string[]>>,
): boolean {
  return filters.every((filter) =>
    (attributes[filter.name] ?? []).some((actual) => filter.values.some((wanted) => wildcardMatches(wanted, actual))),
  );
}

/** Most filter values one call may carry (`FilterLimitExceeded` beyond). */
export const MAX_FILTER_VALUES = 200;

/**
 * Refuses filter names the operation does not know, as EC2 does, and too many values.
 * @param known filter names; `tag:` accepts any `tag:<key>`
 */
export function checkFilters(filters: readonly Ec2Filter[], known: readonly string[]): void {
  for (const filter of filters) {
    const accepted = known.includes(filter.name) || (known.includes('tag:') && /^tag:.+/.test(filter.name));
    if (!accepted) throw new Ec2ApiError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    if (filter.values.length === 0) {
      throw new Ec2ApiError('InvalidParameterValue', `The filter '${filter.name}' requires at least one value`);
    }
  }
  const count = filters.reduce((total, filter) => total + filter.values.length, 0);
  if (count > MAX_FILTER_VALUES) {
    throw new Ec2ApiError(
      'FilterLimitExceeded',
      `The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES}`,
    );
  }
}
