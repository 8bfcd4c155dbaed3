import type { FauxqsInflight, FauxqsMessage, FauxqsQueue } from './fauxqsInternals.js';
import type { MessageState } from './queueSnapshot.js';

/**
 * Which messages each queue holds, kept from the store's changes, so that writing a changed
 * message costs the same on a queue of ten messages as on one of ten thousand.
 */
export class MessageIndex {
  readonly #queues = new Map<string, Map<string, FauxqsMessage>>();

  add(queue: string, message: FauxqsMessage): void {
    let messages = this.#queues.get(queue);
    if (!messages) {
      messages = new Map();
      this.#queues.set(queue, messages);
    }
    messages.set(message.messageId, message);
  }

  remove(queue: string, messageId: string): void {
    this.#queues.get(queue)?.delete(messageId);
  }

  /** A purge (the queue stays) or a deletion (it goes). */
  clear(queue: string): void {
    this.#queues.delete(queue);
  }

  /** Starts again from what the store holds, as a snapshot does. */
  rebuild(queues: FauxqsQueue[], messagesOf: (queue: FauxqsQueue) => Map<string, MessageState>) {
    this.#queues.clear();
    for (const queue of queues)
      for (const { message } of messagesOf(queue).values()) this.add(queue.name, message);
  }

  /**
   * Looks messages up for one flush: where each is now, or undefined once it left. Only
   * in-flight entries are scanned, once per queue; there are at most a few hundred.
   */
  lookup(queueOf: (name: string) => FauxqsQueue | undefined) {
    const inflight = new Map<string, Map<string, FauxqsInflight>>();
    return (queue: string, messageId: string): MessageState | undefined => {
      const message = this.#queues.get(queue)?.get(messageId);
      if (!message) return undefined;
      let entries = inflight.get(queue);
      if (!entries) {
        entries = new Map();
        for (const entry of queueOf(queue)?.inflightMessages.values() ?? [])
          entries.set(entry.message.messageId, entry);
        inflight.set(queue, entries);
      }
      const entry = entries.get(messageId);
      return entry ? { message, inflight: entry } : { message };
    };
  }
}
