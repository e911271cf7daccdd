import type { TokenCredential } from '@azure/identity';
import { TransientCloudError } from '../core/errors.ts';
import { AzureRequestError } from './azure-errors.ts';

/** Queue service REST version with Microsoft Entra ID (OAuth) authorisation (2017-11-09 or later). */
const STORAGE_API_VERSION = '2025-01-05';
const STORAGE_SCOPE = 'https://storage.azure.com/.default';

/**
 * How many messages a Storage queue holds, invisible ones (being worked on) included: Queue service REST "Get Queue
 * Metadata" (`GET https://{account}.queue.core.windows.net/{queue}?comp=metadata`), header
 * `x-ms-approximate-messages-count` — "not lower than the actual number of messages in the queue, but could be
 * higher". The repair coordinator starts no new sweep while the previous one still has messages, so every zone is
 * checked before any is checked twice (oldest first) and sweeps never pile up behind a slow one.
 *
 * @param serviceUri `https://{account}.queue.core.windows.net` (AzureWebJobsStorage__queueServiceUri), or a local one
 */
export function storageQueueDepth(options: {
  readonly serviceUri: string;
  readonly queue: string;
  readonly credential: TokenCredential;
  readonly fetch?: typeof fetch;
  /** @default 30_000 */
  readonly timeoutMs?: number;
}): (signal?: AbortSignal) => Promise<number> {
  const send = options.fetch ?? fetch;
  const url = `${options.serviceUri.replace(/\/$/, '')}/${encodeURIComponent(options.queue)}?comp=metadata`;
  return async (signal) => {
    const what = `read the depth of queue ${options.queue}`;
    const token = await options.credential.getToken(STORAGE_SCOPE, signal ? { abortSignal: signal } : {});
    if (!token) throw new AzureRequestError(`${what}: no token for ${STORAGE_SCOPE}`, { statusCode: 401 });
    const deadline = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    let response: Response;
    try {
      response = await send(url, {
        method: 'GET',
        headers: { authorization: `Bearer ${token.token}`, 'x-ms-version': STORAGE_API_VERSION },
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
      await response.arrayBuffer();
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new TransientCloudError(`${what}: ${(error as Error).message}`, { cause: error });
    }
    const count = Number(response.headers.get('x-ms-approximate-messages-count'));
    if (response.status === 200 && Number.isInteger(count) && count >= 0) return count;
    const detail = `${what}: ${response.status} ${response.headers.get('x-ms-error-code') ?? ''}`.trim();
    if (response.status === 429 || response.status >= 500) throw new TransientCloudError(detail);
    throw new AzureRequestError(
      response.status === 403 ? `${detail} (the app identity needs Storage Queue Data Contributor)` : detail,
      { statusCode: response.status },
    );
  };
}
