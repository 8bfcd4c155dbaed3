import { TASK_ID_PATTERN } from '../envelope.js';
import {
  type Clock,
  type Logger,
  type QueuePort,
  type QueueRoute,
  type SchedulerPort,
  systemClock,
  type TaskPage,
  type TaskStore,
} from '../ports.js';
import { recordWithRetries } from '../recordWithRetries.js';
import type { TaskRegistry } from '../registry.js';
import type { TaskRecord, TaskStatus } from '../status.js';
import { type DedupWindowStore, DedupWindows } from './DedupWindows.js';
import { type BatchEntryResult, enqueueBatch } from './enqueueBatch.js';
import {
  EnqueueFailedError,
  errorSummary,
  IdempotencyConflictError,
  RequestValidationError,
  stateConflict,
  TaskNotFoundError,
  UnknownTaskTypeError,
} from './errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, TaskPreparer } from './prepareTask.js';
import { MAX_BATCH_TASKS } from './requests.js';
import { retryFailedTask } from './retryTask.js';
import type { BatchRetryPolicy, SendInChunksOptions } from './sendInChunks.js';
import { sendPrepared, wasScheduled } from './sendPrepared.js';
import { scheduleName } from './taskDelay.js';

export interface TaskServiceDeps {
  registry: TaskRegistry;
  store: TaskStore;
  queue: QueuePort;
  routes: readonly QueueRoute[];
  logger: Logger;
  /** @default systemClock */
  clock?: Clock;
  /** Largest payload accepted, as JSON bytes. @default 262144 */
  maxPayloadBytes?: number;
  /** Rounds and backoff for batch entries SQS did not take. @default DEFAULT_BATCH_RETRY */
  batchRetry?: BatchRetryPolicy;
  /** Injected wait between batch rounds, for tests. */
  wait?: SendInChunksOptions['wait'];
  /** Sends delays beyond 900 s when they are due; without it, such delays are refused. */
  scheduler?: SchedulerPort;
  /** Whether a callback must name its secret (AWS). @default true */
  callbackSecretRequired?: boolean;
  /** The prefix a callback's secret name must have. */
  callbackSecretPrefix?: string;
  /** Where the windows of `dedupWindowSeconds` types live; needed only when a type has one. */
  dedupWindows?: DedupWindowStore;
  /** How long task rows live, which a dedup window's record outlives. @default 30 */
  retentionDays?: number;
}

export interface EnqueueResult {
  taskId: string;
  status: TaskStatus;
  /** True when the idempotency key named a task that already existed: nothing was sent. */
  deduplicated: boolean;
  record: TaskRecord;
}

export interface ListRequest {
  status?: TaskStatus;
  type?: string;
  priority?: string;
  createdFrom?: number;
  createdTo?: number;
  limit: number;
  cursor?: string;
}

/**
 * The operations behind the HTTP API, over the ports only. Enqueueing records the task
 * (QUEUED, conditional on a new id) before sending its message, and deletes the row again
 * if the send fails, so a QUEUED row always has a message on its way; an existing id (the
 * same idempotency key) is answered with the existing task and nothing is sent.
 */
export class TaskService {
  readonly #preparer: TaskPreparer;
  readonly #routes: Map<string, QueueRoute>;
  readonly #clock: Clock;
  readonly #untrackedTypes: string[];
  readonly #windows: DedupWindows;

  constructor(private readonly deps: TaskServiceDeps) {
    this.#preparer = new TaskPreparer({
      registry: deps.registry,
      routes: deps.routes,
      maxPayloadBytes: deps.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      longDelays: deps.scheduler !== undefined,
      callbackSecretRequired: deps.callbackSecretRequired ?? true,
      ...(deps.callbackSecretPrefix ? { callbackSecretPrefix: deps.callbackSecretPrefix } : {}),
    });
    this.#routes = new Map(deps.routes.map((r) => [r.priority, r]));
    this.#clock = deps.clock ?? systemClock;
    this.#windows = new DedupWindows({
      registry: deps.registry,
      store: deps.dedupWindows,
      retentionDays: deps.retentionDays,
    });
    this.#untrackedTypes = deps.registry.definitions
      .filter((d) => d.tracking === 'failures')
      .map((d) => d.type)
      .sort();
  }

  /** Validates, records and sends one task. */
  async enqueue(request: unknown): Promise<EnqueueResult> {
    const prepared = await this.#windows.prepare(this.#preparer, request, this.#clock.now());
    const { task, route } = prepared;
    const created = await this.deps.store.create(task);
    const base = { taskId: task.id, record: created.record, status: created.record.status };
    if (!created.created) {
      if (created.samePayload === false) throw new IdempotencyConflictError(task.id, base.status);
      return { ...base, deduplicated: true };
    }
    try {
      await sendPrepared(prepared, this.deps);
    } catch (error) {
      await this.rollback(task.id);
      throw new EnqueueFailedError(
        'the task could not be sent to its queue; nothing was enqueued, try again',
        { cause: error },
      );
    }
    this.deps.logger.info('task enqueued', {
      taskId: task.id,
      type: task.type,
      priority: route.priority,
    });
    return { ...base, deduplicated: false };
  }

  /** Enqueues up to {@link MAX_BATCH_TASKS} tasks; one result per entry, in order. */
  async enqueueBatch(requests: readonly unknown[]): Promise<BatchEntryResult[]> {
    if (requests.length > MAX_BATCH_TASKS) {
      throw new RequestValidationError('invalid batch', [
        { path: ['tasks'], message: `must have at most ${MAX_BATCH_TASKS} entries` },
      ]);
    }
    return enqueueBatch(requests, {
      ...this.deps,
      preparer: this.#preparer,
      now: this.#clock.now(),
      rollback: (id) => this.rollback(id),
      windows: this.#windows,
    });
  }

  /**
   * The task with this idempotency key, the latest when its type has dedup windows;
   * TaskNotFoundError when there is none.
   */
  async getByIdempotencyKey(type: string, key: string): Promise<TaskRecord> {
    return this.get(await this.#windows.latestId(type, key));
  }

  async get(id: string): Promise<TaskRecord> {
    // An id that cannot exist is not looked up (and not echoed).
    const record = TASK_ID_PATTERN.test(id) ? await this.deps.store.get(id) : undefined;
    if (!record) throw new TaskNotFoundError(this.#untrackedTypes);
    return record;
  }

  /** The task with its stored payload (JSON text), for an operator's detail view. */
  async detail(id: string): Promise<{ record: TaskRecord; payloadJson?: string }> {
    const found = TASK_ID_PATTERN.test(id) ? await this.deps.store.getWithPayload(id) : undefined;
    if (!found) throw new TaskNotFoundError(this.#untrackedTypes);
    return found;
  }

  /** FAILED tasks come from the failure index (of every registered type if none is given). */
  list(request: ListRequest): Promise<TaskPage> {
    const { registry } = this.deps;
    // A filter on a type nobody registered would page through nothing and say nothing.
    if (request.type !== undefined && !registry.has(request.type)) {
      return Promise.reject(new UnknownTaskTypeError(request.type, registry.types));
    }
    const types =
      request.status === 'FAILED' && !request.type ? this.deps.registry.types : undefined;
    return this.deps.store.list({ ...request, ...(types ? { types } : {}) });
  }

  /** FAILED → QUEUED with `maxAttempts` raised by the type's attempts, and a new message. */
  async retry(id: string): Promise<TaskRecord> {
    const record = await this.get(id);
    return retryFailedTask({ ...this.deps, routes: this.#routes, clock: this.#clock }, record);
  }

  /**
   * SCHEDULED, QUEUED or RETRYING → CANCELLED; a message still on the queue is dropped as a
   * duplicate. A scheduled task's schedule is deleted; one that fires anyway meets the
   * cancelled row and is dropped too. A RUNNING chain step runs on, but its chain stops:
   * the answer is the step, still RUNNING, with `chainStoppedAt` (docs/workflows.md).
   */
  async cancel(id: string): Promise<TaskRecord> {
    if (!TASK_ID_PATTERN.test(id)) throw new TaskNotFoundError();
    let current: TaskRecord | undefined;
    // A step can leave RUNNING between the two writes (to RETRYING): the second round
    // cancels it there, or finds it ended.
    for (let round = 0; round < 2; round++) {
      const out = await this.deps.store.cancel(id);
      if (out.ok) {
        if (this.deps.scheduler && wasScheduled(out.record)) {
          await this.deps.scheduler.delete(scheduleName(id));
        }
        return out.record;
      }
      current = out.current;
      if (current?.status !== 'RUNNING' || !current.links?.nextId) break;
      const stopped = await this.deps.store.stopChain(id);
      if (stopped.ok) {
        this.deps.logger.info('chain stopped: its running step will not enqueue the next', {
          taskId: id,
          nextId: current.links.nextId,
        });
        return stopped.record;
      }
      current = stopped.current;
    }
    if (!current) throw new TaskNotFoundError();
    throw stateConflict(current.status, 'cancel');
  }

  private async rollback(id: string): Promise<void> {
    try {
      // A row left behind would answer a resubmit as a duplicate of a task never sent.
      await recordWithRetries(() => this.deps.store.deleteUnclaimed(id));
    } catch (error) {
      this.deps.logger.error('rollback failed: a QUEUED row may have no message', {
        taskId: id,
        error: errorSummary(error),
      });
    }
  }
}
