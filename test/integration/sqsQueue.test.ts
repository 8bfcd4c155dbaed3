import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, expect, it } from 'vitest';
import { SqsQueue } from '../../functions/adapters/sqs/SqsQueue.js';
import { type Backend, createQueuePair, uniqueName } from '../helpers/backends.js';
import { depth, receive } from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';

// The queue adapter against real queues: what a send asks for is what a receive sees.
describeOnEachBackend('SqsQueue', (current) => {
  let backend: Backend;
  let queue: SqsQueue;

  beforeAll(() => {
    backend = current();
    queue = new SqsQueue(backend.sqs);
  });

  async function delayed(url: string): Promise<number> {
    const out = await backend.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessagesDelayed ?? 0);
  }

  it('sends a FIFO message with its group, deduplication id and attributes', async () => {
    const q = await createQueuePair(backend, uniqueName('sqsq'), { fifo: true });

    const { messageId } = await queue.send(q.url, 'body-1', {
      groupId: 'group-a',
      deduplicationId: 'dedup-1',
      attributes: { traceparent: '00-abc-def-01' },
    });

    const [message] = await receive(backend.sqs, q.url, 1);
    expect(message).toMatchObject({
      MessageId: messageId,
      Body: 'body-1',
      Attributes: { MessageGroupId: 'group-a', MessageDeduplicationId: 'dedup-1' },
      MessageAttributes: { traceparent: { DataType: 'String', StringValue: '00-abc-def-01' } },
    });
  });

  it('sends a delayed message that no receive sees yet', async () => {
    const q = await createQueuePair(backend, uniqueName('sqsq'));

    await queue.send(q.url, 'later', { delaySeconds: 900 });

    expect(await delayed(q.url)).toBe(1);
    expect(await depth(backend.sqs, q.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('sends a message without attributes when none are given', async () => {
    const q = await createQueuePair(backend, uniqueName('sqsq'));

    await queue.send(q.url, 'plain');

    const [message] = await receive(backend.sqs, q.url, 1);
    expect(message?.Body).toBe('plain');
    expect(message?.MessageAttributes ?? {}).toEqual({});
  });

  it('sends a batch, each entry with its own options, and answers per entry', async () => {
    const q = await createQueuePair(backend, uniqueName('sqsq'), { fifo: true });

    const results = await queue.sendBatch(q.url, [
      { id: 'a', body: 'one', groupId: 'g1', deduplicationId: 'd1', attributes: { k: 'v' } },
      { id: 'b', body: 'two', groupId: 'g2', deduplicationId: 'd2' },
    ]);

    const messages = await receive(backend.sqs, q.url, 10);
    const byBody = new Map(messages.map((m) => [m.Body, m]));
    expect(results).toEqual([
      { id: 'a', ok: true, messageId: byBody.get('one')?.MessageId },
      { id: 'b', ok: true, messageId: byBody.get('two')?.MessageId },
    ]);
    expect(byBody.get('one')).toMatchObject({
      Attributes: { MessageGroupId: 'g1', MessageDeduplicationId: 'd1' },
      MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
    });
    expect(byBody.get('two')?.Attributes?.MessageGroupId).toBe('g2');
    expect(byBody.get('two')?.MessageAttributes ?? {}).toEqual({});
  });

  it('sends a batch entry with its delay', async () => {
    const q = await createQueuePair(backend, uniqueName('sqsq'));

    await queue.sendBatch(q.url, [
      { id: 'a', body: 'later', delaySeconds: 900 },
      { id: 'b', body: 'now' },
    ]);

    expect(await delayed(q.url)).toBe(1);
    expect((await receive(backend.sqs, q.url, 10)).map((m) => m.Body)).toEqual(['now']);
  });

  it('changes when a received message becomes visible again', async () => {
    const q = await createQueuePair(backend, uniqueName('sqsq'));
    await queue.send(q.url, 'm');
    const [message] = await receive(backend.sqs, q.url, 1);

    await queue.changeVisibility(q.url, message!.ReceiptHandle!, 0);

    expect(await depth(backend.sqs, q.url)).toEqual({ visible: 1, inFlight: 0 });
  });
});
