import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Enqueuer } from '../../../functions/core/consumer/Enqueuer.js';
import { parseEnvelope } from '../../../functions/core/envelope.js';
import type { QueueRoute } from '../../../functions/core/ports.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { PayloadTooLargeError } from '../../../functions/core/service/errors.js';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '../../../functions/core/service/prepareTask.js';
import { defineTask } from '../../../functions/core/task.js';
import { recordingQueue } from '../../helpers/recordingQueue.js';

const registry = createRegistry([
  defineTask({ type: 'note', schema: z.object({ text: z.string() }), handler: () => null }),
]);
const routes: QueueRoute[] = [
  { priority: 'default', name: 'q', url: 'http://q', dlqUrl: 'http://q-dlq', fifo: false },
  { priority: 'ordered', name: 'q.fifo', url: 'http://f', dlqUrl: 'http://f-dlq', fifo: true },
];

function enqueuer(maxPayloadBytes?: number) {
  const queue = recordingQueue();
  const e = new Enqueuer({
    registry,
    queue,
    routes,
    clock: { now: () => 1_000_000 },
    ...(maxPayloadBytes === undefined ? {} : { maxPayloadBytes }),
  });
  return { e, queue };
}

describe('Enqueuer', () => {
  it('sends the task to its queue with no options when it has no delay and no FIFO group', async () => {
    const { e, queue } = enqueuer();

    const id = await e.enqueue('note', { text: 'hi' });

    expect(queue.sent).toHaveLength(1);
    expect(queue.sent[0]?.url).toBe('http://q');
    expect(queue.sent[0]?.options).toEqual({});
    expect(parseEnvelope(queue.sent[0]?.body ?? '').id).toBe(id);
  });

  it('sends a delayed task with its delay', async () => {
    const { e, queue } = enqueuer();

    await e.enqueue('note', { text: 'later' }, { delaySeconds: 30 });

    expect(queue.sent[0]?.options).toEqual({ delaySeconds: 30 });
  });

  it('sends a FIFO task in a group of its own, deduplicated by its id', async () => {
    const { e, queue } = enqueuer();

    const id = await e.enqueue('note', { text: 'in order' }, { priority: 'ordered' });

    expect(queue.sent[0]?.url).toBe('http://f');
    expect(queue.sent[0]?.options).toEqual({ groupId: id, deduplicationId: id });
  });

  it('refuses a payload over the limit it is given, sending nothing', async () => {
    const { e, queue } = enqueuer(64);

    await expect(e.enqueue('note', { text: 'x'.repeat(100) })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect(queue.sent).toEqual([]);
  });

  it('refuses a payload over the default limit when given none', async () => {
    const { e, queue } = enqueuer();

    await expect(
      e.enqueue('note', { text: 'x'.repeat(DEFAULT_MAX_PAYLOAD_BYTES) }),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(queue.sent).toEqual([]);
  });
});
