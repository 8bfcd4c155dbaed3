/** The holders of one key's slots: task id → when its lease ends (epoch ms). */
export interface StoredSlots {
  holders: Readonly<Record<string, number>>;
  version: number;
}

/**
 * Per-key concurrency slots (DESIGN §11): one item per type and key, replaced only by a
 * write that names the version it read.
 */
export interface SlotStore {
  read(slots: string): Promise<StoredSlots | undefined>;
  /** Writes `holders` as version `expected + 1` only while the version is `expected` (0: absent). */
  write(slots: string, holders: Record<string, number>, expected: number): Promise<boolean>;
  /** Gives `holder`'s slot back (and moves the version on). */
  release(slots: string, holder: string): Promise<void>;
}
