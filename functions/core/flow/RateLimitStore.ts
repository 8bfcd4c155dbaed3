import type { BucketState } from './tokenBucket.js';

/** A bucket as read, with the version its next write must match. */
export interface StoredBucket extends BucketState {
  version: number;
}

/**
 * Shared token buckets (DESIGN §11): one item per type and key, replaced only by a write
 * that names the version it read, so instances that race cannot both spend a token.
 */
export interface RateLimitStore {
  read(bucket: string): Promise<StoredBucket | undefined>;
  /**
   * Writes `state` as version `expected + 1` only while the stored version is `expected`
   * (0: absent). Resolves to the stored bucket, or `undefined` when another writer won.
   */
  write(bucket: string, state: BucketState, expected: number): Promise<StoredBucket | undefined>;
}
