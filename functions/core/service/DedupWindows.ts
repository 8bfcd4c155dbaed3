import { ConfigError } from '../errors.js';
import { taskIdForDedupWindow, taskIdForIdempotencyKey } from '../ids.js';
import type { TaskRegistry } from '../registry.js';
import type { DerivedTask, PreparedTask, TaskPreparer } from './prepareTask.js';

/**
 * The current dedup window of each idempotency key whose type has `dedupWindowSeconds`:
 * one record per type and key, holding when its window started.
 */
export interface DedupWindowStore {
  /** When the key's current window started (epoch ms), or `undefined` when it has none. */
  read(keyId: string): Promise<number | undefined>;
  /**
   * Starts a window at `start` only while the stored one started at `previous` (none:
   * `undefined`); says whether it did. `expiresAt`: epoch s.
   */
  open(
    keyId: string,
    start: number,
    previous: number | undefined,
    expiresAt: number,
  ): Promise<boolean>;
}

const DAY_SECONDS = 86_400;

/**
 * Task ids of idempotency keys (docs/flow-control.md). A type without `dedupWindowSeconds`
 * keeps one id per key for good, at no request. A type with it gets a new task id per
 * window: an enqueue inside the key's window names that window's task (and is answered
 * with it), one after it opens the next window, by a conditional write that racing
 * enqueues agree on.
 */
export class DedupWindows {
  constructor(
    private readonly deps: {
      registry: TaskRegistry;
      store?: DedupWindowStore | undefined;
      /** How long the task rows live: a window's record outlives its task. @default 30 */
      retentionDays?: number | undefined;
    },
  ) {}

  /**
   * Prepares a request as `preparer` does, named by its key's current window when its type
   * has dedup windows (checked first, so a bad request costs no request).
   */
  async prepare(
    preparer: Pick<TaskPreparer, 'prepare'>,
    request: unknown,
    now: number,
    derived: DerivedTask = {},
  ): Promise<PreparedTask> {
    const prepared = preparer.prepare(request, now, derived);
    const { type, idempotencyKey } = prepared.task;
    if (idempotencyKey === undefined || derived.id !== undefined) return prepared;
    const id = await this.windowedId(type, idempotencyKey, now);
    // Stryker disable next-line ConditionalExpression: preparing again with no id gives the same task
    return id === undefined ? prepared : preparer.prepare(request, now, { ...derived, id });
  }

  /**
   * The id a new task with this key gets at `now`, when its type has windows; `undefined`
   * (and no request) when it has none, and the key's one id applies.
   */
  async windowedId(type: string, key: string, now: number): Promise<string | undefined> {
    const windowMs = this.windowMs(type);
    if (windowMs === undefined) return undefined;
    const store = this.store(type);
    const keyId = taskIdForIdempotencyKey(type, key);
    const start = await store.read(keyId);
    // Stryker disable next-line ConditionalExpression: with no start the sum is NaN, which no time is below
    if (start !== undefined && now < start + windowMs) {
      return taskIdForDedupWindow(type, key, start);
    }
    const expiresAt =
      Math.ceil((now + windowMs) / 1_000) + (this.deps.retentionDays ?? 30) * DAY_SECONDS;
    if (await store.open(keyId, now, start, expiresAt)) {
      return taskIdForDedupWindow(type, key, now);
    }
    // Another enqueue opened the next window first: this one joins it.
    const opened = await store.read(keyId);
    return taskIdForDedupWindow(type, key, opened ?? now);
  }

  /**
   * The id of the key's latest task: its current window's, or, with no window recorded
   * (none yet, or a type without windows), the one id of the key.
   */
  async latestId(type: string, key: string): Promise<string> {
    if (this.windowMs(type) === undefined) return taskIdForIdempotencyKey(type, key);
    const start = await this.store(type).read(taskIdForIdempotencyKey(type, key));
    return start === undefined
      ? taskIdForIdempotencyKey(type, key)
      : taskIdForDedupWindow(type, key, start);
  }

  private windowMs(type: string): number | undefined {
    const { registry } = this.deps;
    const seconds = registry.has(type) ? registry.get(type).dedupWindowSeconds : undefined;
    return seconds === undefined ? undefined : seconds * 1_000;
  }

  private store(type: string): DedupWindowStore {
    if (this.deps.store) return this.deps.store;
    throw new ConfigError(
      `task type ${type} has dedupWindowSeconds, but this producer has no table to keep its windows in`,
    );
  }
}
