/** A task as debounce orders it: by enqueue time, then by id. */
export interface DebounceEntry {
  taskId: string;
  /** Epoch ms, from the envelope. */
  enqueuedAt: number;
}

/**
 * The latest task of each debounce key (DESIGN §11): one item per type and key, replaced
 * only by a later task, so deliveries in any order agree on the last one.
 */
export interface DebounceStore {
  /**
   * Records `entry` as the key's latest unless a later task already is (the same task
   * again changes nothing); returns the latest after the write. `expiresAt`: epoch s.
   */
  offer(debounceKey: string, entry: DebounceEntry, expiresAt: number): Promise<DebounceEntry>;
}

/** What the row of a debounced task records. */
export interface DebouncedNote {
  id: string;
  type: string;
  priority: string;
  maxAttempts: number;
  enqueuedAt: number;
  at: number;
  /** The later task that runs instead. */
  supersededBy: string;
}

/** Ends a task that a later one of its key replaced. */
export interface DebounceLog {
  /**
   * CANCELLED with reason `debounced`, only while the task has started no attempt (its row
   * absent, QUEUED or SCHEDULED); says whether it did.
   */
  cancelDebounced(note: DebouncedNote): Promise<boolean>;
}
