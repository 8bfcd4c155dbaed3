/** What can be paused: a queue (its event source stops) or a task type (its tasks defer). */
export type PauseScope = 'queue' | 'type';

/** A pause in force: what, since when (epoch ms), and by whom. */
export interface PauseRecord {
  scope: PauseScope;
  name: string;
  since: number;
  by: string;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/** Attempts and failures counted in one bucket of the sliding window (start, epoch ms). */
export interface BreakerBucket {
  start: number;
  attempts: number;
  failures: number;
}

/** A breaker's shared state, as every consumer instance reads it. */
export interface BreakerRecord {
  /** `host:<host>` (http.post) or `type:<task type>`. */
  key: string;
  state: BreakerState;
  /** When it entered `state` (epoch ms). */
  since: number;
  /** `breaker` when it moved by itself, else the operator who moved it. */
  by: string;
  /**
   * open: when probing may start; absent when an operator opened it (held until closed).
   * half_open: when unanswered probes are given up and granted again.
   */
  until?: number;
  /** half_open: probes that may still start. */
  probesLeft: number;
  /** half_open: probes that succeeded. */
  probeSuccesses: number;
  /** Bumped by every transition; transitions are conditional on it. */
  version: number;
  buckets: BreakerBucket[];
}

/** Who moved a breaker or a pause when nobody did by hand. */
export const BY_BREAKER = 'breaker';
