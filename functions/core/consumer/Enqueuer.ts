import { serializeEnvelope } from '../envelope.js';
import { ConfigError } from '../errors.js';
import { newEnvelope } from '../newEnvelope.js';
import type { Clock, QueuePort, QueueRoute } from '../ports.js';
import type { TaskRegistry } from '../registry.js';
import type { EnqueueOptions } from '../task.js';

export const DEFAULT_PRIORITY = 'default';

/** Sends new tasks straight to their priority's queue; the consumer's claim creates the row. */
export class Enqueuer {
  readonly #routes: Map<string, QueueRoute>;

  constructor(
    private readonly deps: {
      registry: TaskRegistry;
      queue: QueuePort;
      routes: readonly QueueRoute[];
      clock: Clock;
    },
  ) {
    this.#routes = new Map(deps.routes.map((r) => [r.priority, r]));
  }

  /** Validates the payload, then sends the envelope. Resolves to the task id. */
  async enqueue(type: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    const parsed = this.deps.registry.parsePayload(type, payload);
    const route = this.route(options.priority ?? DEFAULT_PRIORITY);
    const envelope = newEnvelope(
      {
        type,
        payload: parsed,
        priority: route.priority,
        ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      },
      this.deps.clock.now(),
    );
    await this.deps.queue.send(route.url, serializeEnvelope(envelope), {
      ...(options.delaySeconds ? { delaySeconds: options.delaySeconds } : {}),
      ...(route.fifo ? { groupId: envelope.id, deduplicationId: envelope.id } : {}),
    });
    return envelope.id;
  }

  route(priority: string): QueueRoute {
    const route = this.#routes.get(priority);
    if (!route) {
      throw new ConfigError(
        `unknown priority ${JSON.stringify(priority)}; known priorities: ${[...this.#routes.keys()].join(', ')}`,
      );
    }
    return route;
  }
}
