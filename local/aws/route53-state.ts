import { LocalAccounts } from './accounts.ts';
import { compareAscii, formatDnsName, isInZone, parseDnsName, reversedLabelKey } from './route53-names.ts';

/**
 * The hosted zones and records of the local Route 53, with the semantics the API reference documents. Tests reach
 * in directly: seed zones and records ({@link Route53State.createZone}, {@link Route53State.putRecordSet}), tamper
 * with them as another writer would, and inspect the result. The wire format lives in `route53.ts`.
 */

export interface Vpc {
  readonly region: string;
  readonly id: string;
}

export interface AliasTarget {
  readonly hostedZoneId: string;
  readonly dnsName: string;
  readonly evaluateTargetHealth: boolean;
}

/** A record set as stored: name unescaped, lowercase, without the trailing dot. Values as the caller sent them. */
export interface StoredRecordSet {
  readonly name: string;
  readonly type: string;
  readonly ttl?: number;
  readonly values?: readonly string[];
  readonly aliasTarget?: AliasTarget;
  /** Routing-policy fields: a set with a `setIdentifier` is one of several sets sharing name and type. */
  readonly setIdentifier?: string;
  readonly weight?: number;
  readonly region?: string;
  readonly failover?: string;
  readonly multiValueAnswer?: boolean;
  readonly healthCheckId?: string;
}

export interface HostedZone {
  readonly id: string;
  /** Stored form: lowercase, unescaped, no trailing dot. */
  readonly name: string;
  readonly callerReference: string;
  readonly comment?: string;
  readonly private: boolean;
  /** The account that created the zone: only it reads, writes, and authorizes other accounts' VPCs. */
  readonly account: string;
  readonly vpcs: Vpc[];
  /** VPCs of other accounts allowed to associate (`CreateVPCAssociationAuthorization`). */
  readonly authorizations: Vpc[];
  readonly tags: Map<string, string>;
  records: Map<string, StoredRecordSet>;
}

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';

export interface RecordChange {
  readonly action: ChangeAction;
  readonly recordSet: StoredRecordSet;
}

export interface ChangeInfo {
  readonly id: string;
  readonly submittedAt: Date;
  readonly comment?: string;
  /** How many times `GetChange` asked about this change. */
  polls: number;
}

/**
 * When a change turns `INSYNC`: after `pendingPolls` `GetChange` calls have answered `PENDING`, or once `pendingMs`
 * have passed since it was submitted, whichever comes first.
 */
export interface SyncBehaviour {
  pendingPolls: number;
  pendingMs?: number;
}

/** An API error to render: AWS error code, message and HTTP status. */
export class Route53Fault extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'Route53Fault';
    this.code = code;
    this.status = status;
  }
}

/** The limits of one `ChangeResourceRecordSets` request (Route 53 quotas, "Quotas on API requests"). */
export const CHANGE_BATCH_LIMITS = { resourceRecords: 1_000, valueCharacters: 32_000 } as const;

const NAME_SERVERS = ['ns-1536.awsdns-00.co.uk', 'ns-0.awsdns-00.com', 'ns-1024.awsdns-00.org', 'ns-512.awsdns-00.net'];
const SOA_VALUE = 'ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400';

export interface CreateZoneInput {
  readonly name: string;
  /** Private when VPCs are given or `private` is true. */
  readonly private?: boolean;
  readonly vpcs?: readonly Vpc[];
  readonly callerReference?: string;
  readonly comment?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** The account creating it. @default the default account */
  readonly account?: string;
}

export class Route53State {
  readonly zones = new Map<string, HostedZone>();
  readonly changes = new Map<string, ChangeInfo>();
  sync: SyncBehaviour = { pendingPolls: 1 };
  /** Called before a change batch is validated: lets a test play a concurrent writer at exactly that moment. */
  beforeChangeBatch?: (zone: HostedZone, changes: readonly RecordChange[]) => void;
  /**
   * Whether a VPC exists, asked by the API calls that name one (CreateHostedZone, Associate/Disassociate): the local
   * AWS answers it from its EC2. Unset (a bare Route 53), every well-formed VPC id is taken to exist.
   */
  vpcExists?: (vpc: Vpc) => boolean;
  /** The account a VPC belongs to (the local AWS answers it from its EC2s). Unset: the default account. */
  vpcAccount?: (vpc: Vpc) => string;
  /** Which account a request acts as (the access key it is signed with). */
  readonly accounts: LocalAccounts;
  private sequence = 0;
  private readonly callerReferences = new Set<string>();

  constructor(accounts: LocalAccounts = new LocalAccounts()) {
    this.accounts = accounts;
  }

  /** The account zones are created in unless another is named. */
  get accountId(): string {
    return this.accounts.defaultAccount;
  }

  /**
   * Creates a zone with its SOA and NS records, as `CreateHostedZone` does.
   * @throws Route53Fault `HostedZoneAlreadyExists` when the caller reference was used before, `ConflictingDomainExists`
   * when a VPC already resolves a private zone of that name.
   */
  createZone(input: CreateZoneInput): HostedZone {
    const name = parseDnsName(input.name);
    validateZoneName(name, input.name);
    const callerReference = input.callerReference ?? `seed-${this.nextId('')}`;
    if (this.callerReferences.has(callerReference)) {
      throw new Route53Fault(
        'HostedZoneAlreadyExists',
        `A hosted zone has already been created with the specified caller reference.`,
        409,
      );
    }
    const vpcs = [...(input.vpcs ?? [])];
    const isPrivate = input.private ?? vpcs.length > 0;
    if (isPrivate && vpcs.length === 0) {
      throw new Route53Fault('InvalidInput', 'Invalid request: a private hosted zone requires a VPC');
    }
    if (!isPrivate && vpcs.length > 0) {
      throw new Route53Fault('InvalidInput', 'Invalid request: a public hosted zone cannot be associated with a VPC');
    }
    for (const vpc of vpcs) this.assertVpcFree(vpc, name);
    this.callerReferences.add(callerReference);
    const zone: HostedZone = {
      id: this.nextId('Z'),
      name,
      callerReference,
      ...(input.comment === undefined ? {} : { comment: input.comment }),
      private: isPrivate,
      account: input.account ?? this.accounts.defaultAccount,
      vpcs,
      authorizations: [],
      tags: new Map(Object.entries(input.tags ?? {})),
      records: new Map(),
    };
    this.zones.set(zone.id, zone);
    this.putRecordSet(zone.id, { name, type: 'SOA', ttl: 900, values: [SOA_VALUE] });
    this.putRecordSet(zone.id, { name, type: 'NS', ttl: 172_800, values: NAME_SERVERS.map((ns) => `${ns}.`) });
    return zone;
  }

  /** The zone with this id (with or without the `/hostedzone/` prefix). */
  zone(id: string): HostedZone {
    const zone = this.zones.get(id.replace(/^\/hostedzone\//, ''));
    if (!zone) throw new Route53Fault('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
    return zone;
  }

  /**
   * The zone with this id as an account sees it: a zone of another account is `AccessDenied` (403) — Route 53 gives
   * no access to another account's hosted zone, whatever VPCs of the caller are associated with it.
   */
  zoneOf(caller: string, id: string): HostedZone {
    const zone = this.zone(id);
    if (zone.account !== caller) {
      throw new Route53Fault(
        'AccessDenied',
        `User: arn:aws:iam::${caller}:root is not authorized to access this resource (hosted zone ${zone.id} belongs to another account)`,
        403,
      );
    }
    return zone;
  }

  /** Zones named `name`, public and private. */
  zonesNamed(name: string): HostedZone[] {
    const wanted = parseDnsName(name);
    return [...this.zones.values()].filter((zone) => zone.name === wanted);
  }

  /** Name servers of a public zone's delegation set. */
  nameServers(): readonly string[] {
    return NAME_SERVERS;
  }

  /** Writes a record set without any validation: seeding, or another writer tampering with the zone. */
  putRecordSet(zoneId: string, recordSet: StoredRecordSet): void {
    const stored = { ...recordSet, name: parseDnsName(recordSet.name) };
    this.zone(zoneId).records.set(recordSetKey(stored), stored);
  }

  /** Removes a record set without any validation; true when it existed. */
  removeRecordSet(zoneId: string, name: string, type: string, setIdentifier?: string): boolean {
    return this.zone(zoneId).records.delete(recordSetKey({ name: parseDnsName(name), type, setIdentifier }));
  }

  /** The zone's record sets in `ListResourceRecordSets` order. */
  recordSets(zoneId: string): StoredRecordSet[] {
    return [...this.zone(zoneId).records.values()].sort(compareRecordSets);
  }

  /** One record set, or `undefined`. */
  recordSet(zoneId: string, name: string, type: string, setIdentifier?: string): StoredRecordSet | undefined {
    return this.zone(zoneId).records.get(recordSetKey({ name: parseDnsName(name), type, setIdentifier }));
  }

  /** Zones associated with a VPC (private zones only, by definition). */
  zonesForVpc(vpc: Vpc): HostedZone[] {
    return [...this.zones.values()].filter((zone) => zone.vpcs.some((associated) => sameVpc(associated, vpc)));
  }

  /**
   * `AssociateVPCWithHostedZone`: adds a VPC to a private zone.
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_AssociateVPCWithHostedZone.html
   */
  associateVpc(zoneId: string, vpc: Vpc, comment?: string, caller?: string): ChangeInfo {
    const zone = this.zone(zoneId);
    if (caller !== undefined) this.assertMayAssociate(zone, vpc, caller);
    if (!zone.private) {
      throw new Route53Fault(
        'PublicZoneVPCAssociation',
        "You're trying to associate a VPC with a public hosted zone. Amazon Route 53 doesn't support associating a VPC with a public hosted zone.",
      );
    }
    this.assertVpcFree(vpc, zone.name);
    zone.vpcs.push(vpc);
    return this.recordChange(comment);
  }

  /**
   * `DisassociateVPCFromHostedZone`
   * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_DisassociateVPCFromHostedZone.html): removes a VPC
   * from a private zone; `VPCAssociationNotFound` (404) when the VPC is not associated, `LastVPCAssociation` (400) for
   * the zone's only VPC, `InvalidVPCId` (400) for a VPC that does not exist.
   */
  disassociateVpc(zoneId: string, vpc: Vpc, comment?: string): ChangeInfo {
    const zone = this.zone(zoneId);
    this.assertVpcExists(vpc);
    const index = zone.vpcs.findIndex((associated) => sameVpc(associated, vpc));
    if (index < 0) {
      throw new Route53Fault(
        'VPCAssociationNotFound',
        `The specified VPC ${vpc.id} is not associated with the hosted zone ${zone.id}.`,
        404,
      );
    }
    if (zone.vpcs.length === 1) {
      throw new Route53Fault(
        'LastVPCAssociation',
        "The VPC that you're trying to disassociate from the private hosted zone is the last VPC that is associated with the hosted zone. Amazon Route 53 doesn't support disassociating the last VPC from a hosted zone.",
      );
    }
    zone.vpcs.splice(index, 1);
    return this.recordChange(comment);
  }

  /**
   * Cross-account association (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html):
   * the account that owns the VPC submits `AssociateVPCWithHostedZone`; for a zone of another account the zone's owner
   * must have authorized that VPC first, else `NotAuthorizedException` (401).
   */
  private assertMayAssociate(zone: HostedZone, vpc: Vpc, caller: string): void {
    const vpcOwner = this.vpcAccount?.(vpc) ?? this.accounts.defaultAccount;
    const authorized = zone.authorizations.some((allowed) => sameVpc(allowed, vpc));
    if (vpcOwner !== caller || (zone.account !== caller && !authorized)) {
      throw new Route53Fault(
        'NotAuthorizedException',
        'Associating the specified VPC with the specified hosted zone has not been authorized.',
        401,
      );
    }
  }

  /**
   * `CreateVPCAssociationAuthorization`
   * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateVPCAssociationAuthorization.html): the zone's
   * owner lets the account of `vpc` associate it; one authorization per VPC; repeating it changes nothing.
   */
  authorizeVpcAssociation(caller: string, zoneId: string, vpc: Vpc): HostedZone {
    const zone = this.zoneOf(caller, zoneId);
    if (!zone.private) {
      throw new Route53Fault('InvalidInput', 'Invalid request: VPC associations apply to private hosted zones only');
    }
    this.assertVpcExists(vpc);
    if (!zone.authorizations.some((allowed) => sameVpc(allowed, vpc))) zone.authorizations.push(vpc);
    return zone;
  }

  /**
   * `DeleteVPCAssociationAuthorization`
   * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteVPCAssociationAuthorization.html): removes the
   * authorization (an association made with it stays); `VPCAssociationAuthorizationNotFound` (404) when there is none.
   */
  deauthorizeVpcAssociation(caller: string, zoneId: string, vpc: Vpc): void {
    const zone = this.zoneOf(caller, zoneId);
    const index = zone.authorizations.findIndex((allowed) => sameVpc(allowed, vpc));
    if (index < 0) {
      throw new Route53Fault(
        'VPCAssociationAuthorizationNotFound',
        `The VPC ${vpc.id} is not authorized to be associated with the hosted zone ${zone.id}.`,
        404,
      );
    }
    zone.authorizations.splice(index, 1);
  }

  /** `InvalidVPCId` (400) for a VPC id that is malformed or, per {@link vpcExists}, does not exist. */
  assertVpcExists(vpc: Vpc): void {
    if (!/^vpc-[0-9a-z]+$/.test(vpc.id) || (this.vpcExists && !this.vpcExists(vpc))) {
      throw new Route53Fault('InvalidVPCId', `The VPC ID '${vpc.id}' is not valid.`);
    }
  }

  /**
   * `DeleteHostedZone`: only a zone holding nothing but its SOA and NS records can go.
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html
   */
  deleteZone(zoneId: string): ChangeInfo {
    const zone = this.zone(zoneId);
    const required = (set: StoredRecordSet) => set.name === zone.name && (set.type === 'SOA' || set.type === 'NS');
    if ([...zone.records.values()].some((set) => !required(set))) {
      throw new Route53Fault(
        'HostedZoneNotEmpty',
        'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
      );
    }
    this.zones.delete(zone.id);
    return this.recordChange();
  }

  /**
   * `ChangeResourceRecordSets`: validates the changes in order against a working copy of the zone and commits all of
   * them or none (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html).
   * Every problem found is reported in one `InvalidChangeBatch` message, `[first, second]`, as Route 53 does.
   */
  changeRecordSets(zoneId: string, changes: readonly RecordChange[], comment?: string): ChangeInfo {
    const zone = this.zone(zoneId);
    this.beforeChangeBatch?.(zone, changes);
    assertWithinLimits(changes);
    const problems = [...duplicateChangeProblems(changes)];
    const working = new Map(zone.records);
    for (const { action, recordSet } of changes) {
      const problem = validateChange(zone, working, action, recordSet);
      if (problem) problems.push(problem);
      else if (action === 'DELETE') working.delete(recordSetKey(recordSet));
      else working.set(recordSetKey(recordSet), recordSet);
    }
    if (problems.length > 0) throw new Route53Fault('InvalidChangeBatch', `[${problems.join(', ')}]`);
    zone.records = working;
    return this.recordChange(comment);
  }

  /** `GetChange`: `PENDING` until the configured number of polls or milliseconds, then `INSYNC`. */
  pollChange(id: string, now = new Date()): { change: ChangeInfo; status: 'PENDING' | 'INSYNC' } {
    const change = this.changes.get(id.replace(/^\/change\//, ''));
    if (!change) throw new Route53Fault('NoSuchChange', `A change with the specified change ID does not exist.`, 404);
    change.polls += 1;
    const elapsed = now.getTime() - change.submittedAt.getTime();
    const insync =
      change.polls > this.sync.pendingPolls || (this.sync.pendingMs !== undefined && elapsed >= this.sync.pendingMs);
    return { change, status: insync ? 'INSYNC' : 'PENDING' };
  }

  /** Registers a submitted change (always `PENDING` when returned). */
  recordChange(comment?: string): ChangeInfo {
    const change: ChangeInfo = {
      id: this.nextId('C'),
      submittedAt: new Date(),
      ...(comment === undefined ? {} : { comment }),
      polls: 0,
    };
    this.changes.set(change.id, change);
    return change;
  }

  private assertVpcFree(vpc: Vpc, name: string): void {
    if (!/^vpc-[0-9a-z]+$/.test(vpc.id)) throw new Route53Fault('InvalidVPCId', `The VPC ID '${vpc.id}' is not valid.`);
    const taken = this.zonesForVpc(vpc).find((zone) => zone.name === name);
    if (taken) {
      throw new Route53Fault(
        'ConflictingDomainExists',
        `The VPC ${vpc.id} in ${vpc.region} region has already been associated with the hosted zone ${taken.id} with the same domain name.`,
      );
    }
  }

  private nextId(prefix: string): string {
    this.sequence += 1;
    // Route 53 ids are upper-case alphanumerics; a counter keeps them unique and runs repeatable.
    return `${prefix}${this.sequence.toString(36).toUpperCase().padStart(4, '0')}LOCAL${prefix === 'Z' ? 'ZONE' : 'CHG'}`;
  }
}

export function recordSetKey(set: Pick<StoredRecordSet, 'name' | 'type' | 'setIdentifier'>): string {
  return `${set.name}\u0000${set.type}\u0000${set.setIdentifier ?? ''}`;
}

/** `ListResourceRecordSets` order: reversed-label name, then type, then set identifier. */
export function compareRecordSets(a: StoredRecordSet, b: StoredRecordSet): number {
  return (
    compareAscii(reversedLabelKey(a.name), reversedLabelKey(b.name)) ||
    compareAscii(a.type, b.type) ||
    compareAscii(a.setIdentifier ?? '', b.setIdentifier ?? '')
  );
}

function sameVpc(a: Vpc, b: Vpc): boolean {
  return a.id === b.id && a.region === b.region;
}

function validateZoneName(name: string, given: string): void {
  const labels = name.split('.');
  if (name === '' || name.length > 253 || labels.some((label) => label.length === 0 || label.length > 63)) {
    throw new Route53Fault('InvalidDomainName', `${given} is not a valid domain name.`);
  }
}

/** "A request cannot contain more than 1,000 ResourceRecord elements … 32,000 characters"; UPSERT counts twice. */
function assertWithinLimits(changes: readonly RecordChange[]): void {
  let records = 0;
  let characters = 0;
  for (const { action, recordSet } of changes) {
    const weight = action === 'UPSERT' ? 2 : 1;
    records += weight * (recordSet.values?.length ?? 0);
    characters += weight * (recordSet.values ?? []).reduce((sum, value) => sum + value.length, 0);
  }
  if (records > CHANGE_BATCH_LIMITS.resourceRecords) {
    throw new Route53Fault(
      'InvalidChangeBatch',
      `[Number of records limit of ${CHANGE_BATCH_LIMITS.resourceRecords} exceeded.]`,
    );
  }
  if (characters > CHANGE_BATCH_LIMITS.valueCharacters) {
    throw new Route53Fault(
      'InvalidChangeBatch',
      `[RDATA character limit of ${CHANGE_BATCH_LIMITS.valueCharacters} exceeded.]`,
    );
  }
}

/** The same set may be deleted and re-created in one batch (a replace), but not changed twice the same way. */
function* duplicateChangeProblems(changes: readonly RecordChange[]): Generator<string> {
  const seen = new Set<string>();
  for (const { action, recordSet } of changes) {
    const key = `${action} ${recordSetKey(recordSet)}`;
    if (seen.has(key)) {
      yield `The request contains an invalid set of changes for a resource record set '${recordSet.type} ${formatDnsName(recordSet.name)}'`;
    }
    seen.add(key);
  }
}

function describe(set: StoredRecordSet): string {
  const identifier = set.setIdentifier === undefined ? '' : `, set-identifier='${set.setIdentifier}'`;
  return `[name='${formatDnsName(set.name)}', type='${set.type}'${identifier}]`;
}

function validateChange(
  zone: HostedZone,
  working: ReadonlyMap<string, StoredRecordSet>,
  action: ChangeAction,
  set: StoredRecordSet,
): string | undefined {
  const name = formatDnsName(set.name);
  const zoneName = formatDnsName(zone.name);
  if (!isInZone(set.name, zone.name)) return `RRSet with DNS name ${name} is not permitted in zone ${zoneName}`;
  const existing = working.get(recordSetKey(set));
  if (action === 'DELETE') {
    if (!existing) return `Tried to delete resource record set ${describe(set)} but it was not found`;
    if (!sameRecordSet(existing, set)) {
      return `Tried to delete resource record set ${describe(set)} but the values provided do not match the current values`;
    }
    // Message texts for the apex SOA/NS rules are not confirmed against AWS; the rule itself is documented.
    if (set.name === zone.name && set.type === 'SOA') return 'A HostedZone must contain exactly one SOA record.';
    if (set.name === zone.name && set.type === 'NS') {
      return 'A HostedZone must contain at least one NS record for the zone itself.';
    }
    return undefined;
  }
  if (action === 'CREATE' && existing)
    return `Tried to create resource record set ${describe(set)} but it already exists`;
  const invalidValue = invalidValueProblem(set);
  if (invalidValue) return invalidValue;
  const atName = [...working.values()].filter((other) => other.name === set.name);
  if (set.type === 'CNAME') {
    if (set.name === zone.name)
      return `RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zoneName}`;
    if (atName.some((other) => other.type !== 'CNAME')) {
      return `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with the same DNS name in zone ${zoneName}`;
    }
  } else if (atName.some((other) => other.type === 'CNAME')) {
    // The double space before CNAME is in Route 53's own message.
    return `RRSet of type ${set.type} with DNS name ${name} is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone ${zoneName}`;
  }
  return undefined;
}

function invalidValueProblem(set: StoredRecordSet): string | undefined {
  const invalid = (problem: string, value: string) =>
    `Invalid Resource Record: 'FATAL problem: ${problem} encountered with '${value}''`;
  for (const value of set.values ?? []) {
    if (set.type === 'A' && !isIpv4(value))
      return invalid('ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)', value);
    if (set.type === 'TXT' || set.type === 'SPF') {
      const strings = parseCharacterStrings(value);
      if (!strings) return invalid('InvalidCharacterString (Value should be enclosed in quotation marks)', value);
      if (strings.some((string) => Buffer.byteLength(string, 'latin1') > 255)) {
        return invalid('CharacterStringTooLong (Value is too long)', value);
      }
    }
  }
  if (set.type === 'CNAME' && (set.values?.length ?? 0) > 1) {
    // Not confirmed against AWS: the rule (one CNAME target) is RFC 1034's; the wording is ours.
    return `RRSet of type CNAME with DNS name ${formatDnsName(set.name)} has more than one resource record`;
  }
  return undefined;
}

function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/**
 * Splits a TXT value into its character strings: `"a" "b\"c"` → `['a', 'b"c']`. `undefined` when the value is not a
 * sequence of quoted strings. Escapes: `\"`, `\\`, and `\` + three-digit *octal* code for other octets (Route 53's
 * "TXT record type" format; zone files use decimal there, Route 53 uses octal as it does in names).
 */
export function parseCharacterStrings(value: string): string[] | undefined {
  const strings: string[] = [];
  let index = 0;
  while (index < value.length) {
    if (value[index] === ' ') {
      index += 1;
      continue;
    }
    if (value[index] !== '"') return undefined;
    let text = '';
    index += 1;
    while (index < value.length && value[index] !== '"') {
      if (value[index] === '\\' && /^[0-7]{3}$/.test(value.slice(index + 1, index + 4))) {
        text += String.fromCharCode(Number.parseInt(value.slice(index + 1, index + 4), 8));
        index += 4;
      } else if (value[index] === '\\' && index + 1 < value.length) {
        text += value[index + 1];
        index += 2;
      } else {
        text += value[index];
        index += 1;
      }
    }
    if (value[index] !== '"') return undefined;
    index += 1;
    strings.push(text);
  }
  return strings.length > 0 ? strings : undefined;
}

/** DELETE must match "all the same values": TTL, values (in any order), alias target and routing fields. */
function sameRecordSet(current: StoredRecordSet, given: StoredRecordSet): boolean {
  const values = (set: StoredRecordSet) => (set.values ?? []).map((value) => comparableValue(set.type, value)).sort();
  const alias = (set: StoredRecordSet) =>
    set.aliasTarget
      ? `${set.aliasTarget.hostedZoneId} ${parseDnsName(set.aliasTarget.dnsName)} ${set.aliasTarget.evaluateTargetHealth}`
      : '';
  const routing = (set: StoredRecordSet) =>
    JSON.stringify([set.weight, set.region, set.failover, set.multiValueAnswer, set.healthCheckId]);
  return (
    current.ttl === given.ttl &&
    alias(current) === alias(given) &&
    routing(current) === routing(given) &&
    JSON.stringify(values(current)) === JSON.stringify(values(given))
  );
}

/**
 * Route 53 compares record data, not spellings: a domain-name target matches whatever its case or trailing dot,
 * and TXT strings match whatever their escaping.
 */
function comparableValue(type: string, value: string): string {
  if (type === 'TXT' || type === 'SPF') return JSON.stringify(parseCharacterStrings(value) ?? value);
  if (['CNAME', 'NS', 'PTR', 'MX', 'SRV'].includes(type)) return value.trim().toLowerCase().replace(/\.$/, '');
  return value.trim();
}
