import { describe, expect, it } from 'vitest';
import { DataDirError } from '../../../../local/persistence/DataDirError.js';
import {
  type QueueRecord,
  replay,
  type SavedQueues,
} from '../../../../local/persistence/queueRecords.js';

const message = (id: string, receives = 0) => ({
  messageId: id,
  body: `{"id":"${id}"}`,
  md5OfBody: 'md5',
  messageAttributes: {},
  md5OfMessageAttributes: '',
  sentTimestamp: 1,
  approximateReceiveCount: receives,
});
const lines = (...records: QueueRecord[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');
const meta: QueueRecord = {
  t: 'queue',
  name: 'q',
  arn: 'arn:aws:sqs:us-east-1:0:q',
  attributes: {},
  tags: {},
};
const ids = (saved: SavedQueues, queue = 'q') => [...(saved.get(queue)?.messages.keys() ?? [])];

describe('replay of queue records', () => {
  it('keeps the last state of each message, and forgets what is gone or purged', () => {
    const saved: SavedQueues = new Map();
    replay(
      saved,
      lines(
        meta,
        { t: 'message', queue: 'q', message: message('a') },
        { t: 'message', queue: 'q', message: message('b') },
        { t: 'message', queue: 'q', message: message('a', 2) },
        { t: 'gone', queue: 'q', messageId: 'b' },
        { t: 'message', queue: 'q-dlq', message: message('b', 3) },
      ),
      'f',
      { tornTailAllowed: false },
    );
    expect(ids(saved)).toEqual(['a']);
    expect(saved.get('q')?.messages.get('a')?.message.approximateReceiveCount).toBe(2);
    expect(ids(saved, 'q-dlq')).toEqual(['b']);
    replay(saved, lines({ t: 'purge', queue: 'q' }, { t: 'drop', queue: 'q-dlq' }), 'f', {
      tornTailAllowed: false,
    });
    expect(ids(saved)).toEqual([]);
    expect(saved.get('q')?.meta).toEqual(meta);
    expect(saved.has('q-dlq')).toBe(false);
  });

  it('ends in the same state when a journal is replayed twice', () => {
    const journal = lines(
      { t: 'message', queue: 'q', message: message('a') },
      { t: 'message', queue: 'q', message: message('b') },
      { t: 'gone', queue: 'q', messageId: 'a' },
    );
    const once: SavedQueues = new Map();
    replay(once, journal, 'j', { tornTailAllowed: true });
    const twice: SavedQueues = new Map();
    replay(twice, journal, 'j', { tornTailAllowed: true });
    replay(twice, journal, 'j', { tornTailAllowed: true });
    expect(twice).toEqual(once);
  });

  it('drops a last journal line cut short by a kill, and says so', () => {
    const saved: SavedQueues = new Map();
    const text = `${lines({ t: 'message', queue: 'q', message: message('a') })}{"t":"mess`;
    expect(replay(saved, text, 'j', { tornTailAllowed: true })).toEqual({ tornTail: true });
    expect(ids(saved)).toEqual(['a']);
  });

  it.each([
    ['a cut-short line in the snapshot', `{"t":"mess`, false, /s line 1 is corrupt: not JSON/],
    [
      'a bad line inside the journal',
      `{"t":"gone","queue":"q"}\n${lines(meta)}`,
      true,
      /s line 1 is corrupt/,
    ],
    ['an unknown record', `{"t":"teleport","queue":"q"}\n`, false, /s line 1 is corrupt/],
  ])('refuses %s, naming the file and line', (_what, text, tornTailAllowed, error) => {
    const attempt = () => replay(new Map(), text, 's', { tornTailAllowed });
    expect(attempt).toThrow(DataDirError);
    expect(attempt).toThrow(error);
  });
});
