import { type PipelinePolicy, RestError } from '@azure/core-rest-pipeline';
import type { RequestLimiter } from '../request-limiter.ts';
import type { RequestTimeouts } from '../request-timeouts.ts';

/**
 * A pipeline policy that gives every attempt of every ARM request its own deadline (`requestMs`, connection included:
 * the pipeline's HTTP client has no separate connect timeout). The Azure SDK sets no timeout of its own
 * (`PipelineRequest.timeout` defaults to 0, "no timeout"), so an ARM endpoint that accepts a connection and never
 * answers would hold the invocation until the host kills it.
 *
 * A timed-out attempt becomes a `RestError` with code `ETIMEDOUT`, which the SDK's retry policy treats as a system
 * error and retries; once its retries are spent, `translateAzureError` reports it as transient (no status). The
 * caller's own abort (the invocation budget) still wins and passes through as an abort.
 *
 * Added per retry (`position: 'perRetry'`), so each attempt gets a fresh deadline.
 */
export function requestTimeoutPolicy(timeouts: Pick<RequestTimeouts, 'requestMs'>): PipelinePolicy {
  return {
    name: 'linkdnsRequestTimeout',
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const deadline = AbortSignal.timeout(timeouts.requestMs);
      request.abortSignal = outer ? AbortSignal.any([outer as AbortSignal, deadline]) : deadline;
      try {
        return await next(request);
      } catch (error) {
        if (deadline.aborted && !outer?.aborted) {
          throw new RestError(`${request.method} got no answer within ${timeouts.requestMs} ms`, {
            code: 'ETIMEDOUT',
            request,
          });
        }
        throw error;
      } finally {
        request.abortSignal = outer;
      }
    },
  };
}

/** `AdditionalPolicyConfig` of `@azure/core-client`, which the management clients take in `additionalPolicies`. */
interface AdditionalPolicy {
  readonly policy: PipelinePolicy;
  readonly position: 'perCall' | 'perRetry';
}

/**
 * Client options for `NetworkManagementClient` and `PrivateDnsManagementClient`: the {@link requestTimeoutPolicy}
 * added to whatever `options` already hold (e.g. the local Azure's HTTP client).
 */
export function withRequestTimeout<Options extends object>(
  options: Options | undefined,
  timeouts: Pick<RequestTimeouts, 'requestMs'>,
): Options & { additionalPolicies: AdditionalPolicy[] } {
  return withPolicy(options, requestTimeoutPolicy(timeouts));
}

/**
 * A pipeline policy that takes a token from `limiter` before every attempt of every ARM request, so one instance never
 * sends more than the limiter's rate — SDK retries included — whichever client (network or Private DNS) sends it.
 */
export function requestLimitPolicy(limiter: RequestLimiter): PipelinePolicy {
  return {
    name: 'linkdnsRequestLimit',
    async sendRequest(request, next) {
      await limiter.acquire(request.abortSignal as AbortSignal | undefined);
      return next(request);
    },
  };
}

/** Client options with `policy` added per retry to whatever `options` already hold. */
export function withPolicy<Options extends object>(
  options: Options | undefined,
  policy: PipelinePolicy,
): Options & { additionalPolicies: AdditionalPolicy[] } {
  const existing = (options as { additionalPolicies?: AdditionalPolicy[] } | undefined)?.additionalPolicies ?? [];
  return { ...(options ?? ({} as Options)), additionalPolicies: [...existing, { policy, position: 'perRetry' }] };
}
