import type { FlowStore } from '../../functions/core/flow/ports.js';

/** What the watcher switches: a queue's poller, by the queue's priority. */
export interface SwitchablePoller {
  priority: string;
  start(): void;
  stop(): Promise<void>;
}

/**
 * The local stand-in for disabling an event source mapping: it reads the shared pause list
 * every `everyMs` and stops the poller of each paused queue, starting it again on resume.
 * The pause lives in the task table, so it outlasts a restart with `--data-dir`.
 */
export class QueuePauseWatcher {
  #timer?: NodeJS.Timeout;
  #tick?: Promise<void>;
  readonly #stopped = new Set<string>();
  #closed = false;

  constructor(
    private readonly deps: {
      store: FlowStore;
      pollers: readonly SwitchablePoller[];
      everyMs?: number;
      onError?: (error: unknown) => void;
      onChange?: (priority: string, paused: boolean) => void;
    },
  ) {}

  /** Applies the pauses in force, then follows them; pollers of paused queues stay stopped. */
  async start(): Promise<void> {
    await this.sync();
    this.#timer = setInterval(() => {
      this.#tick ??= this.sync()
        .catch((error: unknown) => this.deps.onError?.(error))
        .finally(() => {
          this.#tick = undefined;
        });
    }, this.deps.everyMs ?? 1_000);
    this.#timer.unref();
  }

  /** Whether the queue of `priority` is held by a pause here. */
  isPaused(priority: string): boolean {
    return this.#stopped.has(priority);
  }

  async stop(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#tick;
  }

  private async sync(): Promise<void> {
    const paused = new Set((await this.deps.store.readPauses()).queues.map((p) => p.name));
    for (const poller of this.deps.pollers) {
      if (this.#closed) return;
      const { priority } = poller;
      if (paused.has(priority) && !this.#stopped.has(priority)) {
        this.#stopped.add(priority);
        await poller.stop();
        this.deps.onChange?.(priority, true);
      } else if (!paused.has(priority) && this.#stopped.has(priority)) {
        this.#stopped.delete(priority);
        poller.start();
        this.deps.onChange?.(priority, false);
      }
    }
  }
}
