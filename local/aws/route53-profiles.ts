import { randomUUID } from 'node:crypto';
import type { LocalAccounts } from './accounts.ts';
import type { LocalAwsService, LocalRequest, LocalResponse } from './server.ts';

/**
 * The local Route 53 Profiles (`route53profiles`, API version 2018-05-10, REST-JSON): Profiles, their associations with
 * VPCs and their resource associations (private hosted zones), with the two list calls linkdns makes. Tests seed the
 * Profiles through {@link Route53ProfilesState}; the API reference pages are cited per operation. Visibility: an
 * account sees the associations of the Profiles it owns and the associations it made itself (a Profile shared with it
 * through AWS RAM and associated with its own VPC).
 */

export type ProfileStatus = 'COMPLETE' | 'CREATING' | 'UPDATING' | 'DELETING' | 'DELETED' | 'FAILED';

export interface LocalProfile {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly ownerId: string;
}

export interface LocalProfileAssociation {
  readonly id: string;
  readonly profileId: string;
  /** The VPC id. */
  readonly resourceId: string;
  readonly name: string;
  readonly ownerId: string;
  status: ProfileStatus;
  readonly createdAt: Date;
}

export interface LocalProfileResourceAssociation {
  readonly id: string;
  readonly profileId: string;
  readonly resourceArn: string;
  readonly resourceType: string;
  readonly name: string;
  readonly ownerId: string;
  status: ProfileStatus;
  readonly createdAt: Date;
}

/** An error in the Profiles API's REST-JSON form. */
export class ProfilesFault extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'ProfilesFault';
    this.code = code;
    this.status = status;
  }
}

export class Route53ProfilesState {
  readonly profiles = new Map<string, LocalProfile>();
  readonly associations: LocalProfileAssociation[] = [];
  readonly resourceAssociations: LocalProfileResourceAssociation[] = [];
  readonly accounts: LocalAccounts;
  #sequence = 0;

  constructor(accounts: LocalAccounts) {
    this.accounts = accounts;
  }

  /** A Profile of `ownerId` (default: the default account), like `CreateProfile`. */
  createProfile(name: string, ownerId = this.accounts.defaultAccount): LocalProfile {
    const id = `rp-${this.#next()}`;
    const profile = { id, arn: `arn:aws:route53profiles:us-east-2:${ownerId}:profile/${id}`, name, ownerId };
    this.profiles.set(id, profile);
    return profile;
  }

  /**
   * Associates a Profile with a VPC, like `AssociateProfile`: "A VPC can have only one Profile associated with it"
   * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53profiles_AssociateProfile.html).
   */
  associateProfile(
    profileId: string,
    vpcId: string,
    options: { ownerId?: string; status?: ProfileStatus } = {},
  ): LocalProfileAssociation {
    this.profile(profileId);
    if (this.associations.some((association) => association.resourceId === vpcId && association.status !== 'DELETED')) {
      throw new ProfilesFault('ConflictException', `VPC ${vpcId} is already associated with a Profile`, 409);
    }
    const association = {
      id: `rpassoc-${this.#next()}`,
      profileId,
      resourceId: vpcId,
      name: `${profileId}-${vpcId}`,
      ownerId: options.ownerId ?? this.accounts.defaultAccount,
      status: options.status ?? 'COMPLETE',
      createdAt: new Date(),
    };
    this.associations.push(association);
    return association;
  }

  /** Adds a private hosted zone to a Profile, like `AssociateResourceToProfile` with a hosted zone ARN. */
  addHostedZone(profileId: string, zoneId: string, options: { status?: ProfileStatus } = {}) {
    const profile = this.profile(profileId);
    const association = {
      id: `rpr-${this.#next()}`,
      profileId,
      resourceArn: `arn:aws:route53:::hostedzone/${zoneId}`,
      resourceType: 'AWS::Route53::HostedZone',
      name: zoneId,
      ownerId: profile.ownerId,
      status: options.status ?? 'COMPLETE',
      createdAt: new Date(),
    };
    this.resourceAssociations.push(association);
    return association;
  }

  profile(id: string): LocalProfile {
    const profile = this.profiles.get(id);
    if (!profile) throw new ProfilesFault('ResourceNotFoundException', `Profile ${id} not found`, 404);
    return profile;
  }

  #next(): string {
    this.#sequence += 1;
    return this.#sequence.toString(16).padStart(17, '0');
  }
}

export function route53ProfilesService(state: Route53ProfilesState): LocalAwsService {
  return {
    name: 'route53profiles',
    operation: (request) => route(request)?.operation,
    handle(operation, request) {
      const matched = route(request);
      try {
        if (!matched || matched.operation !== operation) throw new ProfilesFault('ValidationException', 'Unknown path');
        return HANDLERS[operation]?.(state, request, matched.params) ?? renderError('ValidationException', '', 400);
      } catch (error) {
        if (error instanceof ProfilesFault) return renderError(error.code, error.message, error.status);
        throw error;
      }
    },
    error: renderError,
  };
}

function route(request: LocalRequest): { operation: string; params: Record<string, string> } | undefined {
  if (request.method !== 'GET') return undefined;
  if (request.path === '/profileassociations') return { operation: 'ListProfileAssociations', params: {} };
  const resources = /^\/profileresourceassociations\/profileid\/([^/]+)$/.exec(request.path);
  if (resources?.[1]) return { operation: 'ListProfileResourceAssociations', params: { profileId: resources[1] } };
  return undefined;
}

type Handler = (state: Route53ProfilesState, request: LocalRequest, params: Record<string, string>) => LocalResponse;

const HANDLERS: Readonly<Record<string, Handler>> = {
  /**
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53profiles_ListProfileAssociations.html —
   * `GET /profileassociations?maxResults&nextToken&profileId&resourceId` (resourceId: the VPC), up to 100 per page.
   */
  ListProfileAssociations(state, request) {
    const caller = state.accounts.callerOf(request);
    const vpc = request.query.get('resourceId');
    const profile = request.query.get('profileId');
    const visible = state.associations.filter(
      (association) =>
        association.status !== 'DELETED' &&
        (association.ownerId === caller || state.profiles.get(association.profileId)?.ownerId === caller) &&
        (vpc === null || association.resourceId === vpc) &&
        (profile === null || association.profileId === profile),
    );
    return page(request, visible, 'ProfileAssociations', (association) => ({
      Id: association.id,
      Name: association.name,
      OwnerId: association.ownerId,
      ProfileId: association.profileId,
      ResourceId: association.resourceId,
      Status: association.status,
      StatusMessage: '',
      CreationTime: association.createdAt.getTime() / 1000,
      ModificationTime: association.createdAt.getTime() / 1000,
    }));
  },

  /**
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53profiles_ListProfileResourceAssociations.html
   * — `GET /profileresourceassociations/profileid/<ProfileId>?maxResults&nextToken&resourceType`;
   * `ResourceNotFoundException` (404) for an unknown Profile, `AccessDeniedException` for one the caller neither owns
   * nor is associated with.
   */
  ListProfileResourceAssociations(state, request, params) {
    const profile = state.profile(params.profileId ?? '');
    const caller = state.accounts.callerOf(request);
    const shared = state.associations.some(
      (association) => association.profileId === profile.id && association.ownerId === caller,
    );
    if (profile.ownerId !== caller && !shared) {
      throw new ProfilesFault(
        'AccessDeniedException',
        `The current account ${caller} doesn't have the IAM permissions required to perform the specified operation.`,
      );
    }
    const type = request.query.get('resourceType');
    const resources = state.resourceAssociations.filter(
      (resource) =>
        resource.profileId === profile.id &&
        resource.status !== 'DELETED' &&
        (type === null || resource.resourceType === type),
    );
    return page(request, resources, 'ProfileResourceAssociations', (resource) => ({
      Id: resource.id,
      Name: resource.name,
      OwnerId: resource.ownerId,
      ProfileId: resource.profileId,
      ResourceArn: resource.resourceArn,
      ResourceType: resource.resourceType,
      Status: resource.status,
      StatusMessage: '',
      CreationTime: resource.createdAt.getTime() / 1000,
      ModificationTime: resource.createdAt.getTime() / 1000,
    }));
  },
};

/** `maxResults` 1..100 (default 100) and an opaque `nextToken`, as both list calls document. */
function page<T>(request: LocalRequest, items: readonly T[], key: string, render: (item: T) => unknown): LocalResponse {
  const rawMax = request.query.get('maxResults');
  const maxResults = rawMax === null ? 100 : Number(rawMax);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw new ProfilesFault('ValidationException', `1 validation error detected: Value '${rawMax}' at 'maxResults'`);
  }
  const token = request.query.get('nextToken');
  const start = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw new ProfilesFault('InvalidNextTokenException', 'The NextToken is not valid.');
  }
  const next = start + maxResults < items.length ? Buffer.from(String(start + maxResults)).toString('base64url') : null;
  return json(200, { [key]: items.slice(start, start + maxResults).map(render), ...(next ? { NextToken: next } : {}) });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): LocalResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * REST-JSON errors: the code in the `x-amzn-ErrorType` header, `{ "message": … }` in the body; the reference gives
 * 400 for AccessDenied/InvalidNextToken/InvalidParameter/Throttling/Validation and 404 for ResourceNotFound.
 */
function renderError(code: string, message: string, status: number): LocalResponse {
  return json(status, { message }, { 'x-amzn-errortype': code });
}
