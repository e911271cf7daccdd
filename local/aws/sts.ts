import { randomBytes, randomUUID } from 'node:crypto';
import type { LocalAccounts } from './accounts.ts';
import type { LocalAwsService, LocalResponse } from './server.ts';

/**
 * The local STS, `AssumeRole` only (Query protocol, API version 2011-06-15,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html): what linkdns calls to read endpoints in
 * the spoke accounts of an organisation. The temporary access key it returns acts as the account of the role's ARN
 * ({@link LocalAccounts}); the role's trust policy is not modelled (every role can be assumed).
 */
const STS_VERSION = '2011-06-15';
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function stsService(accounts: LocalAccounts): LocalAwsService {
  return {
    name: 'sts',
    operation(request) {
      if (request.method !== 'POST' || request.path !== '/') return undefined;
      const params = new URLSearchParams(request.body);
      return params.get('Version') === STS_VERSION ? (params.get('Action') ?? undefined) : undefined;
    },
    handle(operation, request) {
      if (operation !== 'AssumeRole') return stsError('InvalidAction', `Could not find operation ${operation}`, 400);
      const params = new URLSearchParams(request.body);
      const roleArn = params.get('RoleArn') ?? '';
      const session = params.get('RoleSessionName') ?? '';
      const arn = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(roleArn);
      // "RoleSessionName … [\w+=,.@-]*", 2–64 characters (the reference's request parameters).
      if (!arn?.[1] || !/^[\w+=,.@-]{2,64}$/.test(session)) {
        return stsError('ValidationError', `RoleArn ${roleArn} or RoleSessionName ${session} is not valid`, 400);
      }
      const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
      accounts.add(accessKeyId, arn[1]);
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      const body =
        `<AssumeRoleResponse xmlns="${NAMESPACE}"><AssumeRoleResult>` +
        `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId>` +
        `<SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey>` +
        `<SessionToken>${randomBytes(32).toString('base64')}</SessionToken>` +
        `<Expiration>${expiration}</Expiration></Credentials>` +
        `<AssumedRoleUser><AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${session}</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${arn[1]}:assumed-role/${arn[2]}/${session}</Arn></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
      return { status: 200, headers: { 'content-type': 'text/xml' }, body };
    },
    error: stsError,
  };
}

/** The Query-protocol error document STS answers with. */
function stsError(code: string, message: string, status: number): LocalResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
      `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}
