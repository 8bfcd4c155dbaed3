import type {
  FauxqsInflight,
  FauxqsMessage,
  FauxqsQueue,
  FauxqsSqsStore,
} from './fauxqsInternals.js';
import type { QueueRecord } from './queueRecords.js';
import { queueMetaRecord } from './queueSnapshot.js';

/** Where the store's changes are reported. */
export interface StoreChanges {
  /** A message was sent, published to the queue, or moved to it from its source. */
  added(queue: string, message: FauxqsMessage): void;
  /** A message was deleted, or moved to the DLQ. */
  removed(queue: string, messageId: string): void;
  /** A message was received, or its visibility changed. */
  changed(queue: string, messageId: string): void;
  /** A queue was created, changed, purged or deleted. */
  record(record: QueueRecord): void;
  /** An in-flight message got its visibility set on purpose (a retry's backoff). */
  extended(entry: FauxqsInflight): void;
}

/**
 * Reports every change fauxqs makes to `store`: its message spy sees enqueues, deletes and
 * DLQ moves; wrappers on the store and on each queue see the rest. Call before any queue
 * exists.
 */
export function watchStore(store: FauxqsSqsStore, changes: StoreChanges): void {
  store.spy = {
    addMessage: (event) => {
      if (event.service !== 'sqs' || !event.queueName || !event.messageId) return;
      // Enqueues are seen by the wrapper below, which has the message itself.
      if (event.status === 'consumed' || event.status === 'dlq')
        changes.removed(event.queueName, event.messageId);
    },
  };
  const createQueue = store.createQueue.bind(store);
  store.createQueue = (...args) => {
    const queue = createQueue(...args);
    watchQueue(queue, changes);
    changes.record(queueMetaRecord(queue));
    return queue;
  };
  const deleteQueue = store.deleteQueue.bind(store);
  store.deleteQueue = (url) => {
    const queue = store.listQueues().find((q) => q.url === url);
    const deleted = deleteQueue(url);
    if (deleted && queue) changes.record({ t: 'drop', queue: queue.name });
    return deleted;
  };
}

/** Enqueues with the message, receives, visibility and attribute changes, and purges. */
function watchQueue(queue: FauxqsQueue, changes: StoreChanges): void {
  const enqueue = queue.enqueue.bind(queue);
  queue.enqueue = (message) => {
    enqueue(message);
    changes.added(queue.name, message);
  };
  const dequeue = queue.dequeue.bind(queue);
  queue.dequeue = (...args) => {
    const received = dequeue(...args);
    for (const message of received) changes.changed(queue.name, message.MessageId);
    return received;
  };
  const changeVisibility = queue.changeVisibility.bind(queue);
  queue.changeVisibility = (receiptHandle, timeoutSeconds) => {
    const entry = queue.inflightMessages.get(receiptHandle);
    changeVisibility(receiptHandle, timeoutSeconds);
    if (!entry) return;
    if (timeoutSeconds > 0) changes.extended(entry);
    changes.changed(queue.name, entry.message.messageId);
  };
  const setAttributes = queue.setAttributes.bind(queue);
  queue.setAttributes = (attributes) => {
    setAttributes(attributes);
    changes.record(queueMetaRecord(queue));
  };
  const purge = queue.purge.bind(queue);
  queue.purge = () => {
    purge();
    changes.record({ t: 'purge', queue: queue.name });
  };
}
