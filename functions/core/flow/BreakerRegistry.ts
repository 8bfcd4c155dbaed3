import type { Clock } from '../ports.js';
import {
  afterProbe,
  bucketOf,
  decide,
  opened,
  shouldOpen,
  takeProbe,
  windowCounts,
} from './breaker.js';
import type { BreakerPolicy } from './breakerPolicy.js';
import type { BreakerEvents, FlowStore } from './ports.js';
import { type BreakerRecord, BY_BREAKER } from './types.js';

export interface BreakerRegistryDeps {
  store: FlowStore;
  clock: Clock;
  events: BreakerEvents;
  /** A breaker's state is read at most this often per instance. @default 1,000 */
  readEveryMs?: number;
  /** Counts of one key are written at most this often per instance. @default 5,000 */
  flushEveryMs?: number;
}

interface Pending {
  policy: BreakerPolicy;
  bucket: number;
  attempts: number;
  failures: number;
  flushedAt: number;
}

/**
 * This instance's view of the shared breakers. Reads are cached per key; attempts are
 * counted in memory and written per key at most every `flushEveryMs`, and only while
 * something failed: a key whose window holds no failure costs no write.
 */
export class BreakerRegistry {
  readonly #cache = new Map<string, { record: BreakerRecord | undefined; readAt: number }>();
  readonly #pending = new Map<string, Pending>();
  /** Records of one batch that ask at once share one read. */
  readonly #reading = new Map<string, Promise<BreakerRecord | undefined>>();
  readonly #readEveryMs: number;
  readonly #flushEveryMs: number;

  constructor(private readonly deps: BreakerRegistryDeps) {
    this.#readEveryMs = deps.readEveryMs ?? 1_000;
    this.#flushEveryMs = deps.flushEveryMs ?? 5_000;
  }

  /** Whether a task keyed to `key` runs (maybe as a probe) or waits, and how long. */
  async admit(
    key: string,
    policy: BreakerPolicy,
  ): Promise<{ run: true; probe: boolean } | { run: false; delayMs: number }> {
    const now = this.deps.clock.now();
    const record = await this.read(key, now);
    const decision = decide(record, now);
    if (decision.kind === 'run') return { run: true, probe: false };
    if (decision.kind === 'defer') return { run: false, delayMs: decision.delayMs };
    // A probe slot is one conditional write; the loser of a race reads again and waits.
    const next = record && takeProbe(record, policy, now);
    if (next && (await this.write(next, record, policy))) return { run: true, probe: true };
    const fresh = await this.read(key, now, true);
    const again = decide(fresh, now);
    return { run: false, delayMs: again.kind === 'defer' ? again.delayMs : policy.coolDownMs };
  }

  /** Counts an attempt's end; a probe's answer moves the breaker at once. */
  async report(key: string, policy: BreakerPolicy, ok: boolean, probe: boolean): Promise<void> {
    const now = this.deps.clock.now();
    if (probe) {
      const record = await this.read(key, now, true);
      const next = record && afterProbe(record, ok, policy, now);
      if (next) await this.write(next, record, policy);
      return;
    }
    const bucket = bucketOf(now);
    let pending = this.#pending.get(key);
    if (pending && pending.bucket !== bucket) {
      await this.flushKey(key, pending, now);
      pending = this.#pending.get(key);
    }
    if (!pending) {
      pending = { policy, bucket, attempts: 0, failures: 0, flushedAt: now };
      this.#pending.set(key, pending);
    }
    pending.attempts++;
    if (!ok) pending.failures++;
  }

  /** Writes the counts of every key whose flush is due (all of them with `all`). */
  async flush(all = false): Promise<void> {
    const now = this.deps.clock.now();
    for (const [key, pending] of [...this.#pending]) {
      if (all || now - pending.flushedAt >= this.#flushEveryMs)
        await this.flushKey(key, pending, now);
    }
  }

  private async flushKey(key: string, pending: Pending, now: number): Promise<void> {
    this.#pending.delete(key);
    const cached = this.#cache.get(key)?.record;
    const failing = cached ? windowCounts(cached.buckets, pending.policy, now).failures > 0 : false;
    // Successes matter only beside failures: with none anywhere in the window, the rate is 0.
    if (pending.failures === 0 && !failing) return;
    const { policy, bucket, attempts, failures } = pending;
    let record: BreakerRecord;
    try {
      record = await this.deps.store.addCounts(
        key,
        { start: bucket, attempts, failures },
        policy.windowMs,
      );
    } catch (error) {
      // Kept for the next flush, unless newer counts took its place.
      if (!this.#pending.has(key)) this.#pending.set(key, pending);
      throw error;
    }
    this.#cache.set(key, { record, readAt: now });
    if (
      record.state === 'closed' &&
      shouldOpen(windowCounts(record.buckets, policy, now), policy)
    ) {
      await this.write(opened(record, BY_BREAKER, now, now + policy.coolDownMs), record, policy);
    }
  }

  private async read(key: string, now: number, force = false): Promise<BreakerRecord | undefined> {
    const hit = this.#cache.get(key);
    if (!force && hit && now - hit.readAt < this.#readEveryMs) return hit.record;
    let reading = this.#reading.get(key);
    if (!reading) {
      reading = this.deps.store.readBreaker(key).finally(() => this.#reading.delete(key));
      this.#reading.set(key, reading);
    }
    const record = await reading;
    this.#cache.set(key, { record, readAt: now });
    return record;
  }

  private async write(
    next: BreakerRecord,
    previous: BreakerRecord | undefined,
    policy: BreakerPolicy,
  ): Promise<boolean> {
    const ok = await this.deps.store.transition(next);
    if (!ok) {
      this.#cache.delete(next.key);
      return false;
    }
    this.#cache.set(next.key, { record: next, readAt: this.deps.clock.now() });
    if (next.state !== previous?.state) this.deps.events.changed(next, previous, policy);
    return true;
  }
}
