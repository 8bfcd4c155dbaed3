import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDedupWindowStore } from '../adapters/dynamodb/DynamoDedupWindowStore.js';
import { DynamoGroupStore } from '../adapters/dynamodb/DynamoGroupStore.js';
import { DynamoTaskStore } from '../adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../adapters/sqs/SqsQueue.js';
import type { Callback } from '../core/envelope.js';
import { ConfigError } from '../core/errors.js';
import { newTaskId } from '../core/ids.js';
import { type Clock, type QueuePort, type QueueRoute, systemClock } from '../core/ports.js';
import type { TaskRegistry } from '../core/registry.js';
import { DedupWindows } from '../core/service/DedupWindows.js';
import { type BatchEntryResult, enqueueBatch } from '../core/service/enqueueBatch.js';
import { EnqueueFailedError } from '../core/service/errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, TaskPreparer } from '../core/service/prepareTask.js';
import type { BatchRetryPolicy, SendInChunksOptions } from '../core/service/sendInChunks.js';
import { type TaskDetailView, toTaskDetailView } from '../core/service/taskView.js';
import type { AnyTaskDefinition, ChainStep, EnqueueOptions } from '../core/task.js';
import { launchGroup } from '../core/workflow/launchGroup.js';
import type { ClientTaskRequest, DefinitionsOf, PayloadFor, TypeOf } from './types.js';
import { unrecordedQueue } from './unrecordedQueue.js';

export interface TaskClientOptions<R extends TaskRegistry<AnyTaskDefinition>> {
  /** The task types; payloads are checked against their schemas before sending. */
  registry: R;
  sqs: SQSClient;
  /** The queues by priority, as in `TASKPIPE_QUEUES`. */
  queues: readonly QueueRoute[];
  /**
   * With `tableName`, lets {@link TaskClient.get} read task status, and keeps the windows of
   * types with `dedupWindowSeconds` (which need it).
   */
  dynamodb?: DynamoDBClient;
  tableName?: string;
  /** Largest payload accepted, as JSON bytes. @default 262144 */
  maxPayloadBytes?: number;
  /** Rounds and backoff for batch entries SQS did not take. @default DEFAULT_BATCH_RETRY */
  batchRetry?: BatchRetryPolicy;
  /** @default systemClock */
  clock?: Clock;
  /** Injected wait between batch rounds, for tests. */
  wait?: SendInChunksOptions['wait'];
}

/**
 * A producer that enqueues straight to SQS, typed by the registry: `enqueue('http.post', p)`
 * checks `p` against the task's schema at compile time and again at run time.
 *
 * It writes no status row: the consumer's claim creates it (two DynamoDB writes per task,
 * claim and finish, against three through the HTTP API). Until the first delivery,
 * {@link get} finds nothing, and a FAILED task is retried by redriving its dead-letter
 * copy, since its payload is not stored.
 */
export class TaskClient<R extends TaskRegistry<AnyTaskDefinition>> {
  readonly #preparer: TaskPreparer;
  readonly #queue: QueuePort;
  readonly #clock: Clock;
  readonly #windows: DedupWindows;
  #store?: DynamoTaskStore;

  constructor(private readonly options: TaskClientOptions<R>) {
    this.#preparer = new TaskPreparer({
      registry: options.registry as TaskRegistry,
      routes: options.queues,
      maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    });
    this.#queue = unrecordedQueue(new SqsQueue(options.sqs));
    this.#clock = options.clock ?? systemClock;
    const { dynamodb, tableName } = options;
    this.#windows = new DedupWindows({
      registry: options.registry as TaskRegistry,
      ...(dynamodb && tableName ? { store: new DynamoDedupWindowStore(dynamodb, tableName) } : {}),
    });
  }

  /**
   * Validates and sends one task. Throws a typed error: `UnknownTaskTypeError`,
   * `InvalidPayloadError`, `PayloadTooLargeError`, `RequestValidationError` (options), or
   * `EnqueueFailedError` when SQS did not take the message. `options.traceparent` (a W3C
   * trace context header) puts the task, its log lines and its follow-ups in that trace.
   */
  async enqueue<K extends TypeOf<R>>(
    type: K,
    payload: PayloadFor<R, K>,
    options: EnqueueOptions & { traceId?: string; traceparent?: string } = {},
  ): Promise<{ taskId: string }> {
    const { task, route, message } = await this.#windows.prepare(
      this.#preparer,
      { ...options, type, payload },
      this.#clock.now(),
    );
    try {
      await this.#queue.send(route.url, message.body, message);
    } catch (error) {
      throw new EnqueueFailedError(`the task could not be sent to ${route.name}; try again`, {
        cause: error,
      });
    }
    return { taskId: task.id };
  }

  /**
   * Validates and sends many tasks with SendMessageBatch (ten per call), retrying entries
   * SQS did not take. One result per entry, in order; an entry that still failed says why.
   */
  enqueueMany(tasks: readonly ClientTaskRequest<DefinitionsOf<R>>[]): Promise<BatchEntryResult[]> {
    return enqueueBatch(tasks, {
      preparer: this.#preparer,
      queue: this.#queue,
      now: this.#clock.now(),
      windows: this.#windows,
      ...(this.options.batchRetry ? { batchRetry: this.options.batchRetry } : {}),
      ...(this.options.wait ? { wait: this.options.wait } : {}),
    });
  }

  /**
   * Sends `tasks` as one sealed group whose `onComplete` runs once every member ended and
   * `onSuccess` once every member succeeded (docs/workflows.md); a `callback` gets the group's
   * signed summary then (docs/callbacks.md). Up to 100,000 tasks; the
   * members go straight to SQS, ten per call. Needs the table (the group's state lives
   * there). Pass the `groupId` of a call that threw to send its members again, not twice.
   */
  async group(
    tasks: readonly ClientTaskRequest<DefinitionsOf<R>>[],
    options: {
      onComplete?: ChainStep;
      onSuccess?: ChainStep;
      /** Where the group's summary is POSTed, signed, once every member ended. */
      callback?: Callback;
      groupId?: string;
    } = {},
  ): Promise<{ groupId: string }> {
    const { dynamodb, tableName } = this.options;
    if (!dynamodb || !tableName) {
      throw new ConfigError('TaskClient.group needs the dynamodb client and tableName options');
    }
    const groupId = options.groupId ?? newTaskId();
    await launchGroup(
      {
        groups: new DynamoGroupStore({ client: dynamodb, tableName }),
        queue: this.#queue,
        preparer: this.#preparer,
        now: this.#clock.now(),
        ...(this.options.batchRetry ? { batchRetry: this.options.batchRetry } : {}),
        ...(this.options.wait ? { wait: this.options.wait } : {}),
      },
      {
        id: groupId,
        tasks,
        followUps: {
          ...(options.onComplete ? { complete: options.onComplete } : {}),
          ...(options.onSuccess ? { success: options.onSuccess } : {}),
        },
        ...(options.callback ? { callback: options.callback } : {}),
      },
    );
    return { groupId };
  }

  /** The task's status, or `undefined` before its first delivery. Needs the table. */
  async get(id: string): Promise<TaskDetailView | undefined> {
    const record = await this.store().get(id);
    return record && toTaskDetailView(record);
  }

  private store(): DynamoTaskStore {
    const { dynamodb, tableName } = this.options;
    if (!dynamodb || !tableName) {
      throw new ConfigError('TaskClient.get needs the dynamodb client and tableName options');
    }
    this.#store ??= new DynamoTaskStore({ client: dynamodb, tableName });
    return this.#store;
  }
}
