import type { Clock } from '../ports.js';
import type { RateLimitStore, StoredBucket } from './RateLimitStore.js';
import { type RateLimitPolicy, takeTokens } from './tokenBucket.js';

/** Writes lost to other instances before the waiting tasks are simply deferred. */
const MAX_RACES = 5;

export type Acquired = { granted: true } | { granted: false; retryAt: number };

interface Waiter {
  resolve(acquired: Acquired): void;
  reject(error: unknown): void;
}

/**
 * Takes tokens from shared buckets. Requests for one bucket that arrive together (the
 * records of one batch) share one conditional write. Each instance keeps the last bucket
 * it saw: other instances only take tokens, so a cached bucket with none left proves
 * there are none, and the task is deferred with no request at all.
 */
export class RateLimiter {
  readonly #cache = new Map<string, StoredBucket>();
  readonly #pending = new Map<string, Waiter[]>();

  constructor(
    private readonly store: RateLimitStore,
    private readonly clock: Clock,
  ) {}

  acquire(bucket: string, policy: RateLimitPolicy): Promise<Acquired> {
    return new Promise((resolve, reject) => {
      const waiters = this.#pending.get(bucket);
      if (waiters) {
        waiters.push({ resolve, reject });
        return;
      }
      this.#pending.set(bucket, [{ resolve, reject }]);
      // After the records started in this turn have asked too.
      setImmediate(() => void this.flush(bucket, policy));
    });
  }

  private async flush(bucket: string, policy: RateLimitPolicy): Promise<void> {
    const waiters = this.#pending.get(bucket) ?? [];
    this.#pending.delete(bucket);
    try {
      const answers = await this.take(bucket, policy, waiters.length);
      for (const [i, waiter] of waiters.entries()) waiter.resolve(answers[i] as Acquired);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    }
  }

  private async take(bucket: string, policy: RateLimitPolicy, wanted: number): Promise<Acquired[]> {
    let known = this.#cache.get(bucket);
    let fresh = false;
    for (let race = 0; race < MAX_RACES; race++) {
      if (!known && !fresh) {
        known = await this.store.read(bucket);
        fresh = true;
      }
      const take = takeTokens(known, policy, this.clock.now(), wanted);
      if (take.granted === 0) return answers(0, take.retryAt);
      const written = await this.store.write(bucket, take.state, known?.version ?? 0);
      if (written) {
        this.#cache.set(bucket, written);
        return answers(take.granted, take.retryAt);
      }
      // Another instance wrote first: read what it wrote and try again.
      this.#cache.delete(bucket);
      known = undefined;
      fresh = false;
    }
    // Contended beyond reason: wait one token's time and ask again, spending nothing.
    const retryAt = this.clock.now() + Math.ceil(1000 / policy.perSecond);
    return answers(
      0,
      Array.from({ length: wanted }, () => retryAt),
    );
  }
}

function answers(granted: number, retryAt: readonly number[]): Acquired[] {
  return [
    ...Array.from({ length: granted }, (): Acquired => ({ granted: true })),
    ...retryAt.map((at): Acquired => ({ granted: false, retryAt: at })),
  ];
}
