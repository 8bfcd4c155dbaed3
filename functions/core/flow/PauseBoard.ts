import type { Clock } from '../ports.js';
import type { FlowStore, PauseList } from './ports.js';
import type { PauseRecord } from './types.js';

/** How long a task of a paused type waits before it looks again: a resume shows within it. */
export const PAUSE_HOLD_MS = 60_000;

/**
 * This instance's view of what is paused: one read of the shared pause list at most every
 * `readEveryMs`, whatever the number of tasks. A pause therefore takes effect within that
 * time on every instance.
 */
export class PauseBoard {
  #cached?: { list: PauseList; readAt: number };
  #reading?: Promise<PauseList>;

  constructor(private readonly deps: { store: FlowStore; clock: Clock; readEveryMs?: number }) {}

  /** The pause of `type`, when one is in force. */
  async typePause(type: string): Promise<PauseRecord | undefined> {
    return (await this.list()).types.find((p) => p.name === type);
  }

  private async list(): Promise<PauseList> {
    const now = this.deps.clock.now();
    const cached = this.#cached;
    if (cached && now - cached.readAt < (this.deps.readEveryMs ?? 5_000)) return cached.list;
    // Records of one batch ask at once: they share one read.
    this.#reading ??= this.deps.store.readPauses().finally(() => {
      this.#reading = undefined;
    });
    const list = await this.#reading;
    this.#cached = { list, readAt: now };
    return list;
  }
}
