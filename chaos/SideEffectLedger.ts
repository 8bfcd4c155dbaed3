import type { FlowObservation } from './workflowTasks.js';

/** An attempt that asked for its retry no sooner than `notBefore` (epoch ms). */
export interface RetryRequest {
  taskId: string;
  attempt: number;
  notBefore: number;
}

/** A write held until a newer attempt ended, then let through: did it change the row? */
export interface LateWrite {
  taskId: string;
  /** The row's attempts and status when the late write was let through. */
  newerAttempt?: number;
  newerStatus?: string;
  applied: boolean;
}

/** One run of a handler's side effect. */
export interface LedgerEntry {
  taskId: string;
  attempt: number;
  /** False when downstream had already applied this idempotency key. */
  applied: boolean;
}

/**
 * The downstream a chaos task writes to. Every side effect is appended, keyed by task id
 * and attempt; like a real idempotent API, it applies an idempotency key once only.
 */
export class SideEffectLedger {
  readonly entries: LedgerEntry[] = [];
  /** What chain steps and follow-ups saw when they ran. */
  readonly observations: FlowObservation[] = [];
  /** Retry-After requests, and when each attempt of those tasks started. */
  readonly retryRequests: RetryRequest[] = [];
  readonly attemptStarts: { taskId: string; attempt: number; at: number }[] = [];
  /** Writes of an old lease holder, let through after a newer attempt ended. */
  readonly lateWrites: LateWrite[] = [];
  /** Attempt starts of long-delayed tasks, by the run's controlled clock. */
  readonly delayedStarts: { taskId: string; attempt: number; at: number }[] = [];
  readonly #appliedKeys = new Set<string>();

  append(taskId: string, attempt: number, idempotencyKey: string): LedgerEntry {
    const applied = !this.#appliedKeys.has(idempotencyKey);
    this.#appliedKeys.add(idempotencyKey);
    const entry = { taskId, attempt, applied };
    this.entries.push(entry);
    return entry;
  }

  observe(observation: FlowObservation): void {
    this.observations.push(observation);
  }

  /** Entries per task id, in order of arrival. */
  byTask(): Map<string, LedgerEntry[]> {
    const out = new Map<string, LedgerEntry[]>();
    for (const entry of this.entries) {
      out.set(entry.taskId, [...(out.get(entry.taskId) ?? []), entry]);
    }
    return out;
  }
}
