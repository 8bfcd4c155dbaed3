import type { QueuePort } from '../../functions/core/ports.js';

/** One message a {@link RecordingQueue} was asked to send. */
export interface SentMessage {
  url: string;
  body: string;
  options: Parameters<QueuePort['send']>[2];
}

/** A queue that keeps what is sent to it instead of sending it; the rest is unused here. */
export interface RecordingQueue extends QueuePort {
  readonly sent: SentMessage[];
}

export function recordingQueue(): RecordingQueue {
  const sent: SentMessage[] = [];
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  return {
    sent,
    async send(url, body, options) {
      sent.push({ url, body, options });
      return { messageId: `m${sent.length}` };
    },
    changeVisibility: unused,
    sendBatch: unused,
  };
}
