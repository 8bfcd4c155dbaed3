import type { QueueMessage } from '../../functions/core/consumer/types.js';
import type {
  LogFields,
  Logger,
  MessageAttributes,
  QueuePort,
} from '../../functions/core/ports.js';

/** A received message on the standard queue `q` (or its FIFO twin), carrying `attributes`. */
export function queueMessage(
  attributes: MessageAttributes = {},
  { fifo = false }: { fifo?: boolean } = {},
): QueueMessage {
  return {
    messageId: 'm1',
    receiptHandle: 'r1',
    body: '{"x":1}',
    queue: { priority: 'default', name: 'q', url: 'http://q', dlqUrl: 'http://dlq', fifo },
    receiveCount: 1,
    sentTimestamp: 0,
    attributes,
  };
}

export interface SentCopy {
  url: string;
  body: string;
  options: { delaySeconds?: number; attributes?: MessageAttributes } | undefined;
}

/** A queue whose only operation is `send`, which it records. */
export function recordingQueue(): { queue: QueuePort; sent: SentCopy[] } {
  const sent: SentCopy[] = [];
  const queue = {
    send: async (url: string, body: string, options?: SentCopy['options']) => {
      sent.push({ url, body, options });
      return { messageId: 'copy' };
    },
  } as unknown as QueuePort;
  return { queue, sent };
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields[];
}

/** A logger that keeps each call, fields included, to prove what is (not) logged. */
export function entryLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const keep =
    (level: LogEntry['level']) =>
    (message: string, ...fields: LogFields[]) =>
      void entries.push({ level, message, fields });
  return {
    entries,
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
  };
}
