import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';

/** Azure Resource Manager's public endpoint: the host the ARM SDK clients address. */
export const ARM_ENDPOINT = 'https://management.azure.com';

/**
 * An HTTP client that sends ARM requests to a local Azure at `apiRoot` (loopback http) instead of
 * {@link ARM_ENDPOINT}. The SDK's bearer-token policy refuses plain-http URLs, so the clients keep addressing
 * `https://management.azure.com` and the host is rewritten on the way out, after every policy (auth, retry,
 * throttling, timeouts) has run: the pipeline is the production one.
 */
export function localArmHttpClient(apiRoot: string): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    sendRequest(request) {
      if (request.url.startsWith(ARM_ENDPOINT)) {
        request.url = `${apiRoot}${request.url.slice(ARM_ENDPOINT.length)}`;
        request.allowInsecureConnection = true;
      }
      return inner.sendRequest(request);
    },
  };
}

/** A credential that hands out a fixed token: a local Azure only checks that a bearer token is present. */
export const localArmCredential: TokenCredential = {
  getToken: async () => ({ token: 'local-azure-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};
