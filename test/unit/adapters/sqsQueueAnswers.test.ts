import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsQueue } from '../../../functions/adapters/sqs/SqsQueue.js';

// Answers the emulators do not give alike: a refused batch entry (fauxqs lists it as
// failed, moto refuses the whole call), an entry in neither list, a send with no id.
function answering(answer: unknown) {
  const client = { send: async () => answer } as unknown as SQSClient;
  return new SqsQueue(client);
}

describe('SqsQueue answers', () => {
  it('reports a refused entry with its code, message and whose fault it was', async () => {
    const queue = answering({
      Successful: [{ Id: 'a', MessageId: 'm-a' }],
      Failed: [
        { Id: 'b', Code: 'InvalidParameterValue', Message: 'bad delay', SenderFault: true },
        { Id: 'c', Code: 'InternalError', Message: 'try again' },
      ],
    });

    const results = await queue.sendBatch('url', [
      { id: 'a', body: '1' },
      { id: 'b', body: '2' },
      { id: 'c', body: '3' },
    ]);

    expect(results).toStrictEqual([
      { id: 'a', ok: true, messageId: 'm-a' },
      {
        id: 'b',
        ok: false,
        code: 'InvalidParameterValue',
        message: 'bad delay',
        senderFault: true,
      },
      { id: 'c', ok: false, code: 'InternalError', message: 'try again', senderFault: false },
    ]);
  });

  it('takes an entry in neither list as not sent', async () => {
    const queue = answering({ Successful: [{ Id: 'a', MessageId: 'm-a' }] });

    const results = await queue.sendBatch('url', [
      { id: 'a', body: '1' },
      { id: 'b', body: '2' },
    ]);

    expect(results[1]).toStrictEqual({
      id: 'b',
      ok: false,
      code: 'NotConfirmed',
      message: 'the response listed the entry neither as sent nor failed',
      senderFault: false,
    });
  });

  it('takes an empty answer as no entry sent', async () => {
    const results = await answering({}).sendBatch('url', [{ id: 'a', body: '1' }]);

    expect(results).toMatchObject([{ id: 'a', ok: false, code: 'NotConfirmed' }]);
  });

  it('counts an entry listed as sent without a message id as sent', async () => {
    const results = await answering({ Successful: [{ Id: 'a' }] }).sendBatch('url', [
      { id: 'a', body: '1' },
    ]);

    expect(results).toStrictEqual([{ id: 'a', ok: true, messageId: '' }]);
  });

  it('answers a send without a message id with an empty one', async () => {
    expect(await answering({}).send('url', 'body')).toEqual({ messageId: '' });
  });
});
