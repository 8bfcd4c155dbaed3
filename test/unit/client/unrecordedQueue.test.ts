import { describe, expect, it } from 'vitest';
import { unrecordedQueue } from '../../../functions/client/unrecordedQueue.js';
import { UNRECORDED_ATTRIBUTE } from '../../../functions/core/consumer/firstDelivery.js';
import type { OutgoingMessage, QueuePort } from '../../../functions/core/ports.js';

/** A queue port that remembers every call. */
function recordingQueue() {
  const calls: unknown[][] = [];
  const queue: QueuePort = {
    changeVisibility: async (...args) => {
      calls.push(['changeVisibility', ...args]);
    },
    send: async (...args) => {
      calls.push(['send', ...args]);
      return { messageId: 'm-1' };
    },
    sendBatch: async (url, entries) => {
      calls.push(['sendBatch', url, entries]);
      return entries.map((e) => ({ id: e.id, ok: true as const, messageId: `m-${e.id}` }));
    },
  };
  return { queue, calls };
}

describe('unrecordedQueue', () => {
  it('marks a single send, keeping its options and attributes', async () => {
    const { queue, calls } = recordingQueue();
    const answer = await unrecordedQueue(queue).send('http://q', 'body', {
      delaySeconds: 5,
      attributes: { mine: 'x' },
    });
    expect(answer).toEqual({ messageId: 'm-1' });
    expect(calls).toEqual([
      [
        'send',
        'http://q',
        'body',
        { delaySeconds: 5, attributes: { mine: 'x', [UNRECORDED_ATTRIBUTE]: '1' } },
      ],
    ]);
    await unrecordedQueue(queue).send('http://q', 'plain');
    expect(calls[1]).toEqual([
      'send',
      'http://q',
      'plain',
      { attributes: { [UNRECORDED_ATTRIBUTE]: '1' } },
    ]);
  });

  it('marks every entry of a batch and returns the batch’s results', async () => {
    const { queue, calls } = recordingQueue();
    const entries: OutgoingMessage[] = [
      { id: '0', body: 'a' },
      { id: '1', body: 'b', attributes: { mine: 'y' } },
    ];
    const results = await unrecordedQueue(queue).sendBatch('http://q', entries);
    expect(results.map((r) => r.id)).toEqual(['0', '1']);
    expect(calls).toEqual([
      [
        'sendBatch',
        'http://q',
        [
          { id: '0', body: 'a', attributes: { [UNRECORDED_ATTRIBUTE]: '1' } },
          { id: '1', body: 'b', attributes: { mine: 'y', [UNRECORDED_ATTRIBUTE]: '1' } },
        ],
      ],
    ]);
  });

  it('passes visibility changes through', async () => {
    const { queue, calls } = recordingQueue();
    await unrecordedQueue(queue).changeVisibility('http://q', 'rh', 30);
    expect(calls).toEqual([['changeVisibility', 'http://q', 'rh', 30]]);
  });
});
