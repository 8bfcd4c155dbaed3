import type {
  FauxqsInflight,
  FauxqsMessage,
  FauxqsQueue,
  FauxqsSqsStore,
} from './fauxqsInternals.js';
import type { MessageRecord, SavedQueues } from './queueRecords.js';

export interface RestoreOptions {
  sqsPort: string;
  /**
   * The last run was killed: a message it had received, and not yet given a new visibility,
   * had its consumer die with it, so it is made visible at once. The task's lease still
   * keeps it from running twice.
   */
  afterKill: boolean;
  /** Called for each in-flight entry put back whose visibility was set on purpose. */
  onExtended(entry: FauxqsInflight): void;
  now?: number;
}

/**
 * Puts saved messages back into the fauxqs store, with their ids, receive counts and
 * deadlines. A queue the definition did not create again is recreated as it was saved.
 * Returns the number of messages restored.
 */
export function restoreQueues(
  store: FauxqsSqsStore,
  saved: SavedQueues,
  options: RestoreOptions,
): number {
  const { sqsPort, now = Date.now() } = options;
  let restored = 0;
  for (const [name, { meta, messages }] of saved) {
    let queue = store.getQueueByName(name);
    if (!queue && meta) {
      const region = meta.arn.split(':')[3] ?? 'us-east-1';
      const url = store.buildQueueUrl(name, sqsPort, `127.0.0.1:${sqsPort}`, region);
      queue = store.createQueue(name, url, meta.arn, meta.attributes, meta.tags);
    }
    if (!queue) continue;
    const records = [...messages.values()];
    if (queue.isFifo()) records.sort(bySequence);
    for (const record of records) place(queue, record, now, options);
    restored += records.length;
  }
  return restored;
}

function place(
  queue: FauxqsQueue,
  record: MessageRecord,
  now: number,
  options: RestoreOptions,
): void {
  const message = { ...record.message };
  const fifo = queue.isFifo();
  const group = message.messageGroupId ?? '__default';
  if (fifo && message.sequenceNumber)
    queue.sequenceCounter = Math.max(queue.sequenceCounter, Number(message.sequenceNumber));
  // An in-flight message keeps its deadline: as on SQS, it comes back when that passes.
  const { inflight } = record;
  const stillInvisible = inflight && (inflight.extended || !options.afterKill);
  if (inflight && stillInvisible && inflight.visibilityDeadline > now) {
    const entry = { message, ...inflight };
    delete entry.extended;
    queue.inflightMessages.set(inflight.receiptHandle, entry);
    if (inflight.extended) options.onExtended(entry);
    if (fifo) queue.fifoLockedGroups.set(group, (queue.fifoLockedGroups.get(group) ?? 0) + 1);
    return;
  }
  const delayed = message.delayUntil !== undefined && message.delayUntil > now;
  if (fifo) push(delayed ? queue.fifoDelayed : queue.fifoMessages, group, message);
  else (delayed ? queue.delayedMessages : queue.messages).push(message);
}

function push(groups: Map<string, FauxqsMessage[]>, group: string, message: FauxqsMessage) {
  const list = groups.get(group) ?? [];
  list.push(message);
  groups.set(group, list);
}

const bySequence = (a: MessageRecord, b: MessageRecord) =>
  (a.message.sequenceNumber ?? '').localeCompare(b.message.sequenceNumber ?? '');
