import * as z from 'zod';
import type {
  Logger,
  QueuePort,
  ScheduledMessage,
  SchedulerPort,
} from '../../functions/core/ports.js';
import type { StatePart } from '../persistence/LocalStateStore.js';

/** setTimeout's longest wait; a later time is reached in hops of this. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A send that failed is tried again after this, as Scheduler retries its target. */
const RETRY_MS = 1_000;

const savedSchema = z.array(
  z.object({
    name: z.string(),
    at: z.number(),
    queueUrl: z.string(),
    body: z.string(),
    groupId: z.string().optional(),
  }),
);

/**
 * Long delays in the local runtime: a timer per schedule that sends the message to its
 * queue when it is due (never before), then forgets it. With `--data-dir` the schedules are
 * saved on every change (a `StatePart`), and re-armed at the next start: one that came due
 * while the runtime was down is sent at once.
 */
export class LocalScheduler implements SchedulerPort {
  readonly #pending = new Map<string, ScheduledMessage>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  constructor(
    private readonly deps: {
      queue: QueuePort;
      logger: Logger;
      /** Called after every change, so a data dir saves it at once. */
      changed?: () => void;
      now?: () => number;
      /** Today's URL of a queue saved by an earlier run, whose port may have changed. */
      currentUrl?: (savedUrl: string) => string;
    },
  ) {}

  async create(message: ScheduledMessage): Promise<void> {
    if (this.#pending.has(message.name)) return;
    this.#pending.set(message.name, message);
    this.deps.changed?.();
    this.#arm(message);
  }

  async delete(name: string): Promise<void> {
    clearTimeout(this.#timers.get(name));
    this.#timers.delete(name);
    if (this.#pending.delete(name)) this.deps.changed?.();
  }

  /** The schedules not yet sent. */
  pending(): ScheduledMessage[] {
    return [...this.#pending.values()];
  }

  /** Re-arms every timer from the clock's current time (after the clock was moved). */
  recheck(): void {
    for (const message of this.#pending.values()) {
      clearTimeout(this.#timers.get(message.name));
      this.#arm(message);
    }
  }

  /** Stops every timer; the schedules stay saved. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** What a data dir keeps of it, under `state/schedules.json`. */
  statePart(): StatePart<ScheduledMessage[]> {
    return {
      name: 'schedules',
      schema: savedSchema,
      snapshot: () => this.pending(),
      restore: (saved) => {
        for (const message of saved) {
          this.#pending.set(message.name, message);
          this.#arm(message);
        }
      },
    };
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  #arm(message: ScheduledMessage, wait = message.at - this.#now()): void {
    if (this.#stopped) return;
    const timer = setTimeout(
      () => void this.#due(message),
      Math.min(Math.max(0, wait), MAX_TIMER_MS),
    );
    timer.unref();
    this.#timers.set(message.name, timer);
  }

  async #due(message: ScheduledMessage): Promise<void> {
    // A timer can wake a little early, and a long wait is reached in hops.
    if (this.#now() < message.at) return this.#arm(message);
    if (!this.#pending.has(message.name)) return;
    try {
      const url = this.deps.currentUrl?.(message.queueUrl) ?? message.queueUrl;
      await this.deps.queue.send(url, message.body, {
        ...(message.groupId ? { groupId: message.groupId } : {}),
      });
    } catch (error) {
      this.deps.logger.warn('scheduled task not sent yet; trying again', {
        schedule: message.name,
        error: String(error),
      });
      return this.#arm(message, RETRY_MS);
    }
    this.#timers.delete(message.name);
    if (this.#pending.delete(message.name)) this.deps.changed?.();
  }
}
