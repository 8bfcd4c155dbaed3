import { UNRECORDED_ATTRIBUTE } from '../core/consumer/firstDelivery.js';
import type { MessageAttributes, QueuePort } from '../core/ports.js';

const marked = (attributes?: MessageAttributes): MessageAttributes => ({
  ...attributes,
  [UNRECORDED_ATTRIBUTE]: '1',
});

/**
 * The queue as the TaskClient sends through it: every message says that no row was written
 * for its task, so the consumer need not read one on its first delivery at tracking
 * `terminal` or `failures` (docs/reliability.md).
 */
export function unrecordedQueue(queue: QueuePort): QueuePort {
  return {
    changeVisibility: (url, handle, seconds) => queue.changeVisibility(url, handle, seconds),
    send: (url, body, options = {}) =>
      queue.send(url, body, { ...options, attributes: marked(options.attributes) }),
    sendBatch: (url, entries) =>
      queue.sendBatch(
        url,
        entries.map((entry) => ({ ...entry, attributes: marked(entry.attributes) })),
      ),
  };
}
