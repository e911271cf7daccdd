import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { ARM_ENDPOINT } from './arm-server.ts';

/**
 * How the real Azure SDK clients reach the local Azure. The bearer-token policy refuses plain-http URLs, so the
 * clients keep talking to `https://management.azure.com` and this HTTP client rewrites the host on the way out,
 * after every policy (auth, retry, throttling) has run — the pipeline under test is the real one.
 */
export function localAzureHttpClient(baseUrl: string): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    sendRequest(request) {
      if (request.url.startsWith(ARM_ENDPOINT)) {
        request.url = `${baseUrl}${request.url.slice(ARM_ENDPOINT.length)}`;
        request.allowInsecureConnection = true;
      }
      return inner.sendRequest(request);
    },
  };
}

/** A credential that hands out a fixed token; the local Azure only checks that a bearer token is present. */
export const localAzureCredential: TokenCredential = {
  getToken: async () => ({ token: 'local-azure-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/**
 * Client options for `new PrivateDnsManagementClient(credential, subscriptionId, options)` and
 * `new NetworkManagementClient(credential, subscriptionId, options)` against the local Azure.
 *
 * @example
 * const azure = await startLocalAzure();
 * const dns = new PrivateDnsManagementClient(localAzureCredential, SUBSCRIPTION, localAzureClientOptions(azure.baseUrl));
 */
export function localAzureClientOptions(baseUrl: string): {
  httpClient: HttpClient;
  retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
} {
  // Short delays for the SDK's own exponential retries (5xx, connection errors); throttling waits honour Retry-After.
  return {
    httpClient: localAzureHttpClient(baseUrl),
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 100 },
  };
}
