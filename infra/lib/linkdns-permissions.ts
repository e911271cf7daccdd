import { Arn, ArnFormat, type Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { MANAGED_RECORD_TYPES } from './record-name-conditions.ts';

/**
 * The IAM statements linkdns's functions need, one named statement per purpose. Each `Resource: "*"` below is there
 * because the action has no resource-level permission (Service Authorization Reference); the constructs acknowledge
 * the matching cdk-nag findings with the same reasons.
 */

/** Why the EC2 reads use `Resource: "*"`. */
export const EC2_DESCRIBE_REASON =
  'EC2 Describe* actions (DescribeVpcEndpoints, DescribeSubnets, DescribeAvailabilityZones) do not support ' +
  'resource-level permissions; they are read-only and limited to these three actions.';

/** Why the zone lookups use `Resource: "*"`. */
export const ZONE_LOOKUP_REASON =
  'route53:ListHostedZones and ListHostedZonesByVPC (with its dependent action ec2:DescribeVpcs) do not support ' +
  'resource-level permissions; they only list zones, which linkdns needs to find the private zone of a domain by ID.';

/** Why writes may use `hostedzone/*` when the deployment opted in with `allowAnyHostedZone`. */
export const ANY_ZONE_REASON =
  'Opted in with allowAnyHostedZone: no managed hosted zone IDs are known at deploy time (not configured, or zones ' +
  'are created by linkdns). Every write is still limited by route53:ChangeResourceRecordSetsNormalizedRecordNames ' +
  'to the names the configuration can produce, by route53:ChangeResourceRecordSetsRecordTypes to A, CNAME and TXT, ' +
  'and by route53:ChangeResourceRecordSetsActions to CREATE and DELETE.';

/**
 * The change actions linkdns sends: an update is a compare-and-swap batch (DELETE the exact record read, CREATE the
 * new one); UPSERT is never sent (functions/aws/route53-records.ts), so a policy that allows it only widens what a
 * stolen role could do (overwrite any record of an allowed name without knowing its value).
 */
export const MANAGED_CHANGE_ACTIONS = ['CREATE', 'DELETE'] as const;

/** Why zone creation uses `Resource: "*"`. */
export const ZONE_CREATION_REASON =
  'Opted in with createZones: route53:CreateHostedZone has no resource-level permission, and the IDs of the zones ' +
  'it creates (which AssociateVPCWithHostedZone and ChangeTagsForResource act on) are unknown at deploy time.';

/**
 * Bare hosted zone IDs (`Z0123…`) from IDs as Route 53 prints them (`/hostedzone/Z0123…`), de-duplicated and sorted.
 *
 * @throws Error naming the first value that is not a hosted zone ID
 */
export function bareHostedZoneIds(zoneIds: readonly string[]): string[] {
  const ids = zoneIds.map((value) => value.trim().replace(/^\/?hostedzone\//, ''));
  const invalid = ids.find((id) => !/^[A-Z0-9]{1,32}$/.test(id));
  if (invalid !== undefined) throw new Error(`"${invalid}" is not a Route 53 hosted zone ID (e.g. Z0123456789ABC)`);
  return [...new Set(ids)].sort();
}

/** Hosted zone ARNs for bare zone IDs; `hostedzone/*` when `zoneIds` is empty. */
export function hostedZoneArns(stack: Stack, zoneIds: readonly string[]): string[] {
  const arn = (resourceName: string) =>
    stack.formatArn({ service: 'route53', region: '', account: '', resource: 'hostedzone', resourceName });
  return zoneIds.length > 0 ? zoneIds.map(arn) : [arn('*')];
}

/** Reads VPC endpoints and maps their AZ names to AZ IDs. */
export function readEndpointsStatement(): PolicyStatement {
  return new PolicyStatement({
    sid: 'ReadVpcEndpoints',
    effect: Effect.ALLOW,
    actions: ['ec2:DescribeVpcEndpoints', 'ec2:DescribeSubnets', 'ec2:DescribeAvailabilityZones'],
    resources: ['*'],
  });
}

/**
 * Finds the private zone of a domain by ID. `ec2:DescribeVpcs` is a dependent action of `ListHostedZonesByVPC`
 * (and of `CreateHostedZone` / `AssociateVPCWithHostedZone` for private zones): Route 53 checks the VPC with the
 * caller's credentials.
 */
export function findZonesStatement(): PolicyStatement {
  return new PolicyStatement({
    sid: 'FindPrivateZones',
    effect: Effect.ALLOW,
    actions: ['route53:ListHostedZones', 'route53:ListHostedZonesByVPC', 'ec2:DescribeVpcs'],
    resources: ['*'],
  });
}

/** Why the Route 53 Profiles reads use wildcards. */
export const PROFILES_LOOKUP_REASON =
  'route53profiles:ListProfileAssociations has no resource-level permission; ListProfileResourceAssociations acts on ' +
  'the Profile associated with the VPC, which may be shared from another account of the organisation (AWS RAM) and ' +
  'is unknown at deploy time. Both only list: which zones a VPC sees through its Profile (ListHostedZonesByVPC does ' +
  'not show them).';

/**
 * Finds the zones a VPC sees through a Route 53 Profile (`functions/aws/route53-profiles.ts`): the VPC's Profile
 * association, then that Profile's hosted zones. Read-only; nothing is associated or changed.
 */
export function findProfileZonesStatements(stack: Stack): PolicyStatement[] {
  const profiles = Arn.format(
    {
      service: 'route53profiles',
      account: '*',
      resource: 'profile',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    },
    stack,
  );
  return [
    new PolicyStatement({
      sid: 'FindProfileAssociations',
      effect: Effect.ALLOW,
      actions: ['route53profiles:ListProfileAssociations'],
      resources: ['*'],
    }),
    new PolicyStatement({
      sid: 'FindProfileZones',
      effect: Effect.ALLOW,
      actions: ['route53profiles:ListProfileResourceAssociations'],
      resources: [profiles],
    }),
  ];
}

/** Reads the records and the VPC associations of the managed zones. */
export function readZonesStatement(zoneArns: readonly string[]): PolicyStatement {
  return new PolicyStatement({
    sid: 'ReadManagedZones',
    effect: Effect.ALLOW,
    actions: ['route53:GetHostedZone', 'route53:ListResourceRecordSets'],
    resources: [...zoneArns],
  });
}

/**
 * Changes only the record names and types linkdns produces, with the actions it sends, in the managed zones.
 * `ForAllValues` makes every change of a batch match; the batch is refused as a whole otherwise.
 */
export function writeRecordsStatement(
  zoneArns: readonly string[],
  recordNamePatterns: readonly string[],
): PolicyStatement {
  return new PolicyStatement({
    sid: 'WriteManagedRecords',
    effect: Effect.ALLOW,
    actions: ['route53:ChangeResourceRecordSets'],
    resources: [...zoneArns],
    conditions: {
      'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [...recordNamePatterns] },
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsRecordTypes': [...MANAGED_RECORD_TYPES],
        'route53:ChangeResourceRecordSetsActions': [...MANAGED_CHANGE_ACTIONS],
      },
    },
  });
}

/** Opt-in zone creation: create a private zone, associate the endpoint's and the extra VPCs, tag it as linkdns's. */
export function createZonesStatements(stack: Stack): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: 'CreatePrivateZones',
      effect: Effect.ALLOW,
      actions: ['route53:CreateHostedZone'],
      resources: ['*'],
    }),
    new PolicyStatement({
      sid: 'AssociateAndTagCreatedZones',
      effect: Effect.ALLOW,
      actions: ['route53:AssociateVPCWithHostedZone', 'route53:ChangeTagsForResource'],
      resources: hostedZoneArns(stack, []),
    }),
  ];
}

/** Reads the configuration parameter. */
export function readConfigurationStatement(parameterArn: string): PolicyStatement {
  return new PolicyStatement({
    sid: 'ReadConfiguration',
    effect: Effect.ALLOW,
    actions: ['ssm:GetParameter'],
    resources: [parameterArn],
  });
}

/**
 * Reads the secrets named in the configuration: SSM parameters by name or ARN, Secrets Manager secrets
 * by ARN or by name (any version suffix: `<name>-??????`, six characters Secrets Manager appends).
 */
export function readFunctionSecretsStatements(
  stack: Stack,
  secrets: { readonly ssmParameters: readonly string[]; readonly secretsManagerSecrets: readonly string[] },
): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (secrets.ssmParameters.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'ReadSecretParameters',
        effect: Effect.ALLOW,
        actions: ['ssm:GetParameter'],
        resources: secrets.ssmParameters.map((name) =>
          name.startsWith('arn:')
            ? name
            : stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') }),
        ),
      }),
    );
  }
  if (secrets.secretsManagerSecrets.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'ReadFunctionSecrets',
        effect: Effect.ALLOW,
        actions: ['secretsmanager:GetSecretValue'],
        resources: secrets.secretsManagerSecrets.map((nameOrArn) =>
          nameOrArn.startsWith('arn:')
            ? nameOrArn
            : stack.formatArn({
                service: 'secretsmanager',
                resource: 'secret',
                resourceName: `${nameOrArn}-??????`,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
        ),
      }),
    );
  }
  return statements;
}

/** Assumes the read-only role of each spoke account (multi-account deployments). */
export function assumeSpokeRoleStatement(stack: Stack, accounts: readonly string[], roleName: string): PolicyStatement {
  return new PolicyStatement({
    sid: 'AssumeSpokeEndpointReader',
    effect: Effect.ALLOW,
    actions: ['sts:AssumeRole'],
    resources: accounts.map((account) =>
      Arn.format({
        partition: stack.partition,
        service: 'iam',
        region: '',
        account,
        resource: 'role',
        resourceName: roleName,
      }),
    ),
  });
}

/**
 * Decrypts notification secrets encrypted with customer-managed KMS keys, only through SSM or Secrets Manager.
 * Not needed for the AWS-managed keys (`aws/ssm`, `aws/secretsmanager`): their key policies already allow every
 * principal of the account to use them through those services.
 */
export function decryptSecretsStatement(stack: Stack, keyArns: readonly string[]): PolicyStatement {
  return new PolicyStatement({
    sid: 'DecryptFunctionSecrets',
    effect: Effect.ALLOW,
    actions: ['kms:Decrypt'],
    resources: [...keyArns],
    conditions: {
      StringEquals: {
        'kms:ViaService': [`ssm.${stack.region}.amazonaws.com`, `secretsmanager.${stack.region}.amazonaws.com`],
      },
    },
  });
}
