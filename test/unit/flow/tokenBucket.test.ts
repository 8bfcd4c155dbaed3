import { describe, expect, it } from 'vitest';
import { peakConcurrency, rateViolations } from '../../../chaos/flowInvariants.js';
import { RateLimiter } from '../../../functions/core/flow/RateLimiter.js';
import type { RateLimitStore, StoredBucket } from '../../../functions/core/flow/RateLimitStore.js';
import { refill, START_MARGIN, takeTokens } from '../../../functions/core/flow/tokenBucket.js';

const policy = { perSecond: 2, burst: 3 };
/** Milliseconds between tokens at this policy, margin included. */
const gap = 1000 / (policy.perSecond * START_MARGIN);

describe('token bucket', () => {
  it('starts full and refills at the rate, never over burst', () => {
    expect(refill(undefined, policy, 1_000)).toEqual({ tokens: 3, at: 1_000 });
    expect(refill({ tokens: 0, at: 0 }, policy, gap)).toEqual({ tokens: 1, at: gap });
    expect(refill({ tokens: 2, at: 0 }, policy, 10 * gap).tokens).toBe(3);
  });

  it('gains nothing, and loses nothing, from a clock behind the last writer', () => {
    expect(refill({ tokens: 1.5, at: 5_000 }, policy, 4_000)).toEqual({ tokens: 1.5, at: 5_000 });
  });

  it('grants what it has and spaces the rest one token apart', () => {
    const take = takeTokens({ tokens: 1.5, at: 0 }, policy, 0, 4);
    expect(take.granted).toBe(1);
    expect(take.state).toEqual({ tokens: 0.5, at: 0 });
    expect(take.retryAt).toEqual([
      Math.ceil(0.5 * gap),
      Math.ceil(1.5 * gap),
      Math.ceil(2.5 * gap),
    ]);
  });

  it('grants no more than wanted', () => {
    const take = takeTokens(undefined, policy, 0, 2);
    expect(take).toEqual({ granted: 2, state: { tokens: 1, at: 0 }, retryAt: [] });
  });

  it('keeps starts within burst + perSecond × w when every token is used', () => {
    let state: { tokens: number; at: number } | undefined;
    const starts: number[] = [];
    let now = 0;
    while (starts.length < 50) {
      const take = takeTokens(state, policy, now, 1);
      state = take.state;
      if (take.granted) starts.push(now);
      now = take.retryAt[0] ?? now;
    }
    expect(rateViolations(starts, policy)).toEqual([]);
    expect(rateViolations([0, 0, 0, 0], policy)).toHaveLength(1);
  });
});

describe('flow invariants', () => {
  it('finds a window with too many starts, and none within the bound', () => {
    expect(rateViolations([0, 1000, 2000], { perSecond: 1, burst: 1 })).toEqual([]);
    expect(rateViolations([0, 999], { perSecond: 1, burst: 1 })).toEqual([
      { from: 0, to: 999, started: 2, allowed: 1.999 },
    ]);
  });

  it('counts overlapping runs per key, an end freeing its slot at once', () => {
    const peaks = peakConcurrency([
      { key: 'a', startMs: 0, endMs: 10 },
      { key: 'a', startMs: 5, endMs: 15 },
      { key: 'a', startMs: 15, endMs: 20 },
      { key: 'b', startMs: 0, endMs: 100 },
    ]);
    expect(Object.fromEntries(peaks)).toEqual({ a: 2, b: 1 });
  });
});

/** A bucket store in memory that counts its calls and can lose races on purpose. */
class MemoryBuckets implements RateLimitStore {
  readonly items = new Map<string, StoredBucket>();
  reads = 0;
  writes = 0;
  /** Writes to refuse as if another instance wrote first. */
  lose = 0;
  async read(bucket: string) {
    this.reads++;
    return this.items.get(bucket);
  }
  async write(bucket: string, state: { tokens: number; at: number }, expected: number) {
    this.writes++;
    const current = this.items.get(bucket)?.version ?? 0;
    if (this.lose > 0 || current !== expected) {
      if (this.lose > 0) {
        this.lose--;
        this.items.set(bucket, { tokens: 0, at: state.at, version: current + 1 });
      }
      return undefined;
    }
    const stored = { ...state, version: expected + 1 };
    this.items.set(bucket, stored);
    return stored;
  }
}

describe('RateLimiter', () => {
  it('answers a batch’s requests for one bucket with one read and one write', async () => {
    const store = new MemoryBuckets();
    const limiter = new RateLimiter(store, { now: () => 0 });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => limiter.acquire('t#', policy)),
    );
    expect(answers.filter((a) => a.granted)).toHaveLength(3);
    expect(answers.slice(3)).toEqual([
      { granted: false, retryAt: Math.ceil(gap) },
      { granted: false, retryAt: Math.ceil(2 * gap) },
    ]);
    expect({ reads: store.reads, writes: store.writes }).toEqual({ reads: 1, writes: 1 });
  });

  it('defers from its cache with no request while the bucket it saw is empty', async () => {
    const store = new MemoryBuckets();
    let now = 0;
    const limiter = new RateLimiter(store, { now: () => now });
    await Promise.all([1, 2, 3].map(() => limiter.acquire('t#', policy)));
    const calls = store.reads + store.writes;
    expect(await limiter.acquire('t#', policy)).toEqual({
      granted: false,
      retryAt: Math.ceil(gap),
    });
    expect(store.reads + store.writes).toBe(calls);
    now = Math.ceil(gap);
    expect(await limiter.acquire('t#', policy)).toEqual({ granted: true });
    expect(store.writes).toBe(2);
  });

  it('reads again and retries after another instance wrote first', async () => {
    const store = new MemoryBuckets();
    store.lose = 1;
    const limiter = new RateLimiter(store, { now: () => 0 });
    // The winner left the bucket empty: nothing is granted, and nothing twice.
    expect(await limiter.acquire('t#', policy)).toEqual({
      granted: false,
      retryAt: Math.ceil(gap),
    });
    expect(store.reads).toBe(2);
  });

  it('defers for one token’s time when it keeps losing races', async () => {
    const store = new MemoryBuckets();
    store.lose = 100;
    const limiter = new RateLimiter(store, { now: () => 0 });
    // Each lost race leaves a full bucket behind, so the limiter keeps trying, 5 times.
    store.write = async () => {
      store.writes++;
      return undefined;
    };
    expect(await limiter.acquire('t#', policy)).toEqual({ granted: false, retryAt: 500 });
    expect(store.writes).toBe(5);
  });

  it('rejects every waiter when the store fails', async () => {
    const store = new MemoryBuckets();
    store.read = () => Promise.reject(new Error('down'));
    const limiter = new RateLimiter(store, { now: () => 0 });
    const results = await Promise.allSettled([
      limiter.acquire('t#', policy),
      limiter.acquire('t#', policy),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('keeps buckets apart', async () => {
    const store = new MemoryBuckets();
    const limiter = new RateLimiter(store, { now: () => 0 });
    const one = { perSecond: 1, burst: 1 };
    const answers = await Promise.all([limiter.acquire('t#a', one), limiter.acquire('t#b', one)]);
    expect(answers).toEqual([{ granted: true }, { granted: true }]);
  });
});
