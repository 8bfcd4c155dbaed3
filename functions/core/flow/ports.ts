import type { BreakerNotice } from './breakerNotice.js';
import type { BreakerPolicy } from './breakerPolicy.js';
import type { BreakerBucket, BreakerRecord, PauseRecord, PauseScope } from './types.js';

/** What is paused, both scopes, read in one request. */
export interface PauseList {
  queues: PauseRecord[];
  types: PauseRecord[];
}

/**
 * Shared flow-control state (DESIGN §11): pauses and breakers, each write conditional, so
 * instances that race agree on one answer.
 */
export interface FlowStore {
  readPauses(): Promise<PauseList>;
  /** Adds a pause unless one is in force; either way returns the one in force. */
  pause(record: PauseRecord): Promise<{ created: boolean; record: PauseRecord }>;
  /** Removes a pause; returns the one removed, or undefined when there was none. */
  resume(scope: PauseScope, name: string): Promise<PauseRecord | undefined>;
  readBreaker(key: string): Promise<BreakerRecord | undefined>;
  /** Breakers that ever opened (closed ones included), for `stats` and the console. */
  listBreakers(): Promise<BreakerRecord[]>;
  /** Adds counts to one bucket and drops buckets outside the window; returns the new state. */
  addCounts(key: string, bucket: BreakerBucket, windowMs: number): Promise<BreakerRecord>;
  /**
   * Writes `next` only if the stored version is `next.version - 1` (or the breaker is
   * unwritten and `next.version` is 1); says whether it did.
   */
  transition(next: BreakerRecord): Promise<boolean>;
}

/** Told of every breaker transition this instance made: logs, metrics, notifications. */
export interface BreakerEvents {
  /** `policy` is the one that moved it, when a consumer did (an operator has none). */
  changed(next: BreakerRecord, previous: BreakerRecord | undefined, policy?: BreakerPolicy): void;
}

/** Sends a breaker notice to the alarm targets (the alarm topic on AWS and locally). */
export interface NoticePublisher {
  publish(notice: BreakerNotice): Promise<void>;
}

/** Breaker transitions as counts (EMF on AWS, Prometheus locally). */
export interface FlowMetrics {
  /** One breaker opened (closed → open) or closed again; the key goes with it, not as a dimension. */
  breakerMoved(event: { key: string; move: 'opened' | 'closed' }): void;
}
