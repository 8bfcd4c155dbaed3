import type { Clock, QueuePort, QueueRoute } from '../ports.js';
import type { TaskRegistry } from '../registry.js';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  type DerivedTask,
  TaskPreparer,
} from '../service/prepareTask.js';
import type { EnqueueOptions } from '../task.js';

/**
 * Follow-up tasks from a handler's `ctx.enqueue`: checked exactly as the API checks a
 * request (type, priority, delay, attempts, payload schema and size), then sent straight
 * to their queue; the consumer's claim creates the row. A request error is not retryable,
 * so a handler that enqueues something invalid fails at once instead of retrying in vain.
 */
export class Enqueuer {
  readonly #preparer: TaskPreparer;

  constructor(
    private readonly deps: {
      registry: TaskRegistry;
      queue: QueuePort;
      routes: readonly QueueRoute[];
      clock: Clock;
      maxPayloadBytes?: number;
    },
  ) {
    this.#preparer = new TaskPreparer({
      registry: deps.registry,
      routes: deps.routes,
      maxPayloadBytes: deps.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    });
  }

  /**
   * Validates the task, then sends its envelope. Resolves to the task id. `derived` gives
   * the id and workflow links of a child, member, follow-up or chain step.
   */
  async enqueue(
    type: string,
    payload: unknown,
    options: EnqueueOptions = {},
    derived: DerivedTask = {},
  ): Promise<string> {
    const { envelope, route, message } = this.#preparer.prepare(
      { type, payload, ...options },
      this.deps.clock.now(),
      derived,
    );
    await this.deps.queue.send(route.url, message.body, {
      ...(message.delaySeconds ? { delaySeconds: message.delaySeconds } : {}),
      ...(message.groupId ? { groupId: message.groupId } : {}),
      ...(message.deduplicationId ? { deduplicationId: message.deduplicationId } : {}),
    });
    return envelope.id;
  }
}
