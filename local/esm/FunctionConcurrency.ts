/**
 * A function's concurrency limit, shared by every event source that invokes it: the
 * reserved concurrency, or what the account's quota leaves. Lambda throttles an invocation
 * beyond it: the poller's batch never reaches the function and stays invisible until its
 * visibility timeout, and its receive still counts toward maxReceiveCount. So when the
 * caps pass the limit, messages can reach the DLQ with no status written (DESIGN §5).
 */
export class FunctionConcurrency {
  #active = 0;
  /** Invocations refused so far, as Lambda's `Throttles` metric counts them. */
  throttles = 0;

  /** @param limit concurrent executions the function may have (at least 1). */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`function concurrency must be an integer ≥ 1, got ${limit}`);
    }
  }

  /** A release function when an execution is free, or undefined: the call is throttled. */
  tryAcquire(): (() => void) | undefined {
    if (this.#active >= this.limit) {
      this.throttles++;
      return undefined;
    }
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
    };
  }
}

/**
 * How long a poller waits after a throttled invocation before its slot takes another
 * batch: Lambda's pollers back off when the function is throttled.
 */
export const THROTTLE_BACKOFF_MS = 1_000;
