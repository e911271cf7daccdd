import { createHash, randomUUID } from 'node:crypto';
import { Ec2ApiError } from './ec2-errors.ts';
import type { Ec2Filter } from './ec2-filters.ts';

/**
 * The EC2 Query protocol on the wire (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html):
 * requests are `POST /` with a form body `Action=…&Version=2016-11-15&…`, lists flattened as `Name.1`, `Name.2`,
 * structures as `Filter.1.Name` / `Filter.1.Value.1`; responses are XML in the 2016-11-15 namespace with lists as
 * `<…Set><item>…</item></…Set>`, errors as `<Response><Errors><Error>…` with HTTP 4xx/5xx.
 */

export const EC2_API_VERSION = '2016-11-15';
export const EC2_NAMESPACE = `http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/`;

/** Reads one Query request's parameters. Every accessor marks what it read so unknown parameters can be refused. */
export class Ec2Query {
  readonly action: string;
  private readonly params: URLSearchParams;
  private readonly read = new Set<string>(['Action', 'Version', 'DryRun']);

  constructor(body: string) {
    this.params = new URLSearchParams(body);
    this.action = this.params.get('Action') ?? '';
  }

  /** True when the body is an EC2 Query request (STS and others also use the Query protocol, with other versions). */
  static isEc2(body: string): boolean {
    const params = new URLSearchParams(body);
    return params.get('Version') === EC2_API_VERSION && !!params.get('Action');
  }

  string(name: string): string | undefined {
    this.read.add(name);
    return this.params.get(name) ?? undefined;
  }

  /** @throws Ec2ApiError `MissingParameter` */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') {
      throw new Ec2ApiError('MissingParameter', `The request must contain the parameter ${name}`);
    }
    return value;
  }

  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Value (${value}) for parameter ${name} is invalid. Expected an integer.`,
      );
    }
    return Number(value);
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Value (${value}) for parameter ${name} is invalid. Expected a boolean.`,
      );
    }
    return value === 'true';
  }

  /** The members of structure `name` (`Name.Member`, `Name.List.N`), read as `read(prefix)` wants them. */
  struct<T>(name: string, read: (member: (field: string) => string) => T): T {
    this.read.add(name);
    return read((field) => `${name}.${field}`);
  }

  /** `Name.1`, `Name.2`, … in index order. */
  list(name: string): string[] {
    this.read.add(name);
    return this.indexed(name).map(([, key]) => this.params.get(key) ?? '');
  }

  /** `Filter.N.Name` with `Filter.N.Value.M`. */
  filters(): Ec2Filter[] {
    this.read.add('Filter');
    return this.indexed('Filter', 'Name').map(([index]) => ({
      name: this.params.get(`Filter.${index}.Name`) ?? '',
      values: this.indexed(`Filter.${index}.Value`).map(([, key]) => this.params.get(key) ?? ''),
    }));
  }

  /** Tags of `TagSpecification.N` whose `ResourceType` is `resourceType` (`Tag.M.Key`, `Tag.M.Value`). */
  tags(resourceType: string): Record<string, string> {
    this.read.add('TagSpecification');
    const tags: Record<string, string> = {};
    for (const [index] of this.indexed('TagSpecification', 'ResourceType')) {
      const type = this.params.get(`TagSpecification.${index}.ResourceType`);
      if (type !== resourceType) {
        throw new Ec2ApiError(
          'InvalidParameterValue',
          `'${type}' is not a valid taggable resource type for this operation.`,
        );
      }
      for (const [tagIndex] of this.indexed(`TagSpecification.${index}.Tag`, 'Key')) {
        const key = this.params.get(`TagSpecification.${index}.Tag.${tagIndex}.Key`) ?? '';
        tags[key] = this.params.get(`TagSpecification.${index}.Tag.${tagIndex}.Value`) ?? '';
      }
    }
    return tags;
  }

  /**
   * Refuses parameters no accessor read, as EC2 answers `UnknownParameter`: a misspelt or unsupported parameter must
   * fail loudly here rather than be ignored.
   */
  rejectUnread(): void {
    for (const key of this.params.keys()) {
      const top = key.split('.')[0] ?? key;
      if (!this.read.has(top)) throw new Ec2ApiError('UnknownParameter', `The parameter ${top} is not recognized`);
    }
  }

  /** A stable digest of the request minus its paging parameters: a NextToken is only valid for the same query. */
  fingerprint(): string {
    const entries = [...this.params.entries()].filter(([key]) => key !== 'NextToken' && key !== 'MaxResults').sort();
    return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 16);
  }

  /** `[index, key]` of `prefix.N` (or `prefix.N.suffix`) present in the body, by index. */
  private indexed(prefix: string, suffix?: string): [number, string][] {
    const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)${suffix ? `\\.${suffix}` : ''}$`);
    const found: [number, string][] = [];
    for (const key of this.params.keys()) {
      const match = key.match(pattern);
      if (match?.[1]) found.push([Number(match[1]), key]);
    }
    return found.sort((a, b) => a[0] - b[0]);
  }
}

/**
 * Keyset pagination: the token names the last item returned and the query it belongs to, so items deleted between
 * pages neither shift nor repeat the rest.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  page: { maxResults: number; nextToken: string | undefined; fingerprint: string },
): { items: T[]; nextToken?: string } {
  let start = 0;
  if (page.nextToken !== undefined) {
    const after = decodeToken(page.nextToken, page.fingerprint);
    start = items.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + page.maxResults);
  const last = slice.at(-1);
  const more = start + page.maxResults < items.length && last !== undefined;
  return more ? { items: slice, nextToken: encodeToken(keyOf(last), page.fingerprint) } : { items: slice };
}

/**
 * The key a page token continues after, for a state that reads only from there on (a fleet of 10,000 endpoints is
 * then not rendered once per page); `undefined` for the first page. Feed the items read from there, one more than the
 * page holds, to {@link paginate} without the token. @throws Ec2ApiError `InvalidPaginationToken`, as paginate does
 */
export function tokenAfter(nextToken: string | undefined, fingerprint: string): string | undefined {
  return nextToken === undefined ? undefined : decodeToken(nextToken, fingerprint);
}

function encodeToken(after: string, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ after, query: fingerprint })).toString('base64url');
}

function decodeToken(token: string, fingerprint: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      after?: unknown;
      query?: unknown;
    };
    if (typeof decoded.after === 'string' && decoded.query === fingerprint) return decoded.after;
  } catch {
    // fall through: not one of ours
  }
  throw new Ec2ApiError('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.');
}

// --- XML --------------------------------------------------------------------------------------------------------

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<name>value</name>`, or nothing for `undefined`. */
export function xmlValue(name: string, value: string | number | boolean | Date | undefined): string {
  if (value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** `<name>…children…</name>` from already rendered children. */
export function xmlStruct(name: string, children: string): string {
  return `<${name}>${children}</${name}>`;
}

/** An EC2 list: `<nameSet><item>…</item></nameSet>`; `items` are rendered item contents. */
export function xmlItems(name: string, items: readonly string[]): string {
  return items.length === 0
    ? `<${name}/>`
    : `<${name}>${items.map((item) => `<item>${item}</item>`).join('')}</${name}>`;
}

/** A list of plain strings. */
export function xmlStrings(name: string, values: readonly string[]): string {
  return xmlItems(name, values.map(escapeXml));
}

/** `<ActionResponse xmlns=…><requestId>…</requestId>…</ActionResponse>` */
export function ec2Response(action: string, body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${randomUUID()}</requestId>${body}</${action}Response>`
  );
}

/** The EC2 error document (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html#api-error-response). */
export function ec2ErrorDocument(code: string, message: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Response><Errors><Error>${xmlValue('Code', code)}${xmlValue('Message', message)}</Error></Errors>` +
    `<RequestID>${randomUUID()}</RequestID></Response>`
  );
}
