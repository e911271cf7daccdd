/**
 * Connection and request timeouts for every client linkdns calls a cloud through. Without them an endpoint that
 * accepts a connection and never answers holds the whole invocation until the platform kills it (one unanswered
 * `ListResourceRecordSets` held a repair until its deadline). A timed-out request counts as a dropped connection: the
 * client's retry loop tries again, and a zone that still gets no answer fails alone while the run goes on.
 */
export interface RequestTimeouts {
  /** Until the TCP (and TLS) connection is up. */
  readonly connectMs: number;
  /** Per attempt, from sending the request to the last byte of the answer. */
  readonly requestMs: number;
}

/**
 * Route 53, EC2, ARM and Cloud DNS answer reads of a few hundred records in well under a second; a write is answered
 * as soon as it is accepted (`PENDING`). Ten seconds is an order of magnitude of headroom, short enough that the
 * retries of one hung call fit in an event function's two minutes.
 */
export const DEFAULT_REQUEST_TIMEOUTS: RequestTimeouts = { connectMs: 3_000, requestMs: 10_000 };
