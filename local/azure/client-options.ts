import type { HttpClient } from '@azure/core-rest-pipeline';
import { localArmCredential, localArmHttpClient } from '../../functions/azure/local-arm.ts';

/** A credential that hands out a fixed token; the local Azure only checks that a bearer token is present. */
export const localAzureCredential = localArmCredential;

/**
 * How the real Azure SDK clients reach the local Azure: `https://management.azure.com` rewritten to `baseUrl` after
 * every policy has run (functions/azure/local-arm.ts, also what `LINKDNS_AZURE_API_ROOT` turns on). Client options for
 * `new PrivateDnsManagementClient(credential, subscriptionId, options)` and
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
    httpClient: localArmHttpClient(baseUrl),
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 100 },
  };
}
