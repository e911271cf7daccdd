import type { LocalRequest } from './server.ts';

/**
 * The accounts of the local AWS. A request acts as the account its access key belongs to: the access key id is the
 * first part of the SigV4 `Credential` scope in the `Authorization` header (`Credential=<key id>/<date>/<region>/
 * <service>/aws4_request`, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
 * The local AWS checks no signature; keys it does not know act as the default account.
 *
 * @example
 * aws.accounts.add('AKIDWORKLOAD', '444455556666');
 * const workload = new Route53Client({ endpoint: aws.endpoint, credentials: { accessKeyId: 'AKIDWORKLOAD', … } });
 */
export class LocalAccounts {
  readonly defaultAccount: string;
  readonly #byAccessKey = new Map<string, string>();

  constructor(defaultAccount = '111122223333') {
    this.defaultAccount = defaultAccount;
  }

  /** Makes requests signed with `accessKeyId` act as `account` (12 digits). */
  add(accessKeyId: string, account: string): void {
    if (!/^\d{12}$/.test(account)) throw new Error(`"${account}" is not a 12-digit AWS account id`);
    this.#byAccessKey.set(accessKeyId, account);
  }

  /** The account a request acts as. */
  callerOf(request: Pick<LocalRequest, 'headers'>): string {
    const authorization = request.headers.authorization;
    const keyId = /Credential=([^/,\s]+)\//.exec(typeof authorization === 'string' ? authorization : '')?.[1];
    return (keyId && this.#byAccessKey.get(keyId)) ?? this.defaultAccount;
  }
}
