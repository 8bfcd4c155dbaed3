import type { FauxqsInflight, FauxqsQueue, FauxqsSqsStore } from './fauxqsInternals.js';
import type { QueueRecord } from './queueRecords.js';
import { queueMetaRecord } from './queueSnapshot.js';

/** Where the store's changes are reported. */
export interface StoreChanges {
  /** A message was added, received, made visible again, deleted or moved. */
  message(queue: string, messageId: string): void;
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
      changes.message(event.queueName, event.messageId);
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

/** Receives, visibility changes, attribute changes and purges: the spy sees none of them. */
function watchQueue(queue: FauxqsQueue, changes: StoreChanges): void {
  const dequeue = queue.dequeue.bind(queue);
  queue.dequeue = (...args) => {
    const received = dequeue(...args);
    for (const message of received) changes.message(queue.name, message.MessageId);
    return received;
  };
  const changeVisibility = queue.changeVisibility.bind(queue);
  queue.changeVisibility = (receiptHandle, timeoutSeconds) => {
    const entry = queue.inflightMessages.get(receiptHandle);
    changeVisibility(receiptHandle, timeoutSeconds);
    if (!entry) return;
    if (timeoutSeconds > 0) changes.extended(entry);
    changes.message(queue.name, entry.message.messageId);
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
