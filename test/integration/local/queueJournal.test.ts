import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localClients } from '../../../local/clients.js';
import { startLocalEmulators } from '../../../local/emulators.js';
import { DataDirError } from '../../../local/persistence/DataDirError.js';
import { LocalPersistence } from '../../../local/persistence/LocalPersistence.js';
import { QUEUE_JOURNAL } from '../../../local/persistence/QueueJournal.js';

/** The emulators on a data dir, as the runtime runs them, without the pipeline on top. */
async function boot(dir: string) {
  const persistence = await LocalPersistence.open(dir);
  const emulators = await startLocalEmulators({ sqs: 0, dynamodb: 0 }, persistence.emulators);
  persistence.restoreQueues(emulators.sqsEndpoint);
  const { sqs, dynamodb } = localClients({
    sqs: emulators.sqsEndpoint,
    dynamodb: emulators.dynamodbEndpoint,
  });
  const down = async () => {
    sqs.destroy();
    dynamodb.destroy();
    await emulators.stop();
  };
  return {
    sqs,
    persistence,
    /** Ctrl-C: a last snapshot. */
    stop: async () => {
      await down();
      persistence.close();
    },
    /** As kill -9 leaves it: no snapshot, the journal as it was, the lock left behind. */
    kill: down,
  };
}

const url = async (sqs: SQSClient, name: string) =>
  (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
const attributes = async (sqs: SQSClient, name: string) =>
  (
    await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: await url(sqs, name), AttributeNames: ['All'] }),
    )
  ).Attributes!;
const receive = async (sqs: SQSClient, name: string, visibility?: number) =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: await url(sqs, name),
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        ...(visibility === undefined ? {} : { VisibilityTimeout: visibility }),
      }),
    )
  ).Messages ?? [];

describe('queue journal on fauxqs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskpipe-journal-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps a move to the DLQ by maxReceiveCount, with its receive count, across a kill', async () => {
    const a = await boot(dir);
    const { QueueUrl: dlq } = await a.sqs.send(new CreateQueueCommand({ QueueName: 'jq-dlq' }));
    const dlqArn = (await attributes(a.sqs, 'jq-dlq')).QueueArn;
    await a.sqs.send(
      new CreateQueueCommand({
        QueueName: 'jq',
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
        },
      }),
    );
    const { MessageId } = await a.sqs.send(
      new SendMessageCommand({ QueueUrl: await url(a.sqs, 'jq'), MessageBody: 'to the dlq' }),
    );
    expect(await receive(a.sqs, 'jq', 0)).toHaveLength(1);
    expect(await receive(a.sqs, 'jq', 0)).toHaveLength(0);
    expect(dlq).toBeDefined();
    await a.kill();

    const b = await boot(dir);
    expect((await attributes(b.sqs, 'jq')).ApproximateNumberOfMessages).toBe('0');
    const [dead] = await receive(b.sqs, 'jq-dlq');
    expect(dead?.MessageId).toBe(MessageId);
    expect(dead?.Body).toBe('to the dlq');
    expect(dead?.Attributes?.ApproximateReceiveCount).toBe('3');
    await b.stop();
  });

  it('after a kill, frees what the dead runtime had received but keeps a backoff', async () => {
    const a = await boot(dir);
    const { QueueUrl } = await a.sqs.send(new CreateQueueCommand({ QueueName: 'jv' }));
    for (const body of ['backing-off', 'being-worked'])
      await a.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    const received = await receive(a.sqs, 'jv', 300);
    expect(received).toHaveLength(2);
    const backingOff = received.find((m) => m.Body === 'backing-off')!;
    await a.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: backingOff.ReceiptHandle,
        VisibilityTimeout: 300,
      }),
    );
    await a.kill();

    const b = await boot(dir);
    expect((await receive(b.sqs, 'jv')).map((m) => m.Body)).toEqual(['being-worked']);
    expect((await attributes(b.sqs, 'jv')).ApproximateNumberOfMessagesNotVisible).toBe('2');
    await b.stop();

    // A clean stop is no kill: both stay invisible until their deadlines.
    const c = await boot(dir);
    expect(await receive(c.sqs, 'jv')).toEqual([]);
    await c.stop();
  });

  it('keeps FIFO order and continues its sequence numbers across a clean stop', async () => {
    const a = await boot(dir);
    const { QueueUrl } = await a.sqs.send(
      new CreateQueueCommand({
        QueueName: 'jf.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      }),
    );
    let last = '';
    for (const body of ['first', 'second', 'third']) {
      const sent = await a.sqs.send(
        new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: 'g' }),
      );
      last = sent.SequenceNumber!;
    }
    await a.stop();

    const b = await boot(dir);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [next] = await receive(b.sqs, 'jf.fifo');
      order.push(next!.Body!);
      await b.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: await url(b.sqs, 'jf.fifo'),
          ReceiptHandle: next!.ReceiptHandle,
        }),
      );
    }
    expect(order).toEqual(['first', 'second', 'third']);
    const after = await b.sqs.send(
      new SendMessageCommand({
        QueueUrl: await url(b.sqs, 'jf.fifo'),
        MessageBody: 'fourth',
        MessageGroupId: 'g',
      }),
    );
    expect(BigInt(after.SequenceNumber!)).toBeGreaterThan(BigInt(last));
    await b.stop();
  });

  it('keeps a queue made by hand with its attributes, and a purge, across a kill', async () => {
    const a = await boot(dir);
    const { QueueUrl } = await a.sqs.send(
      new CreateQueueCommand({ QueueName: 'jh', Attributes: { VisibilityTimeout: '7' } }),
    );
    for (const body of ['old-1', 'old-2'])
      await a.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    await a.sqs.send(new PurgeQueueCommand({ QueueUrl }));
    await a.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'new' }));
    await a.kill();

    const b = await boot(dir);
    const saved = await attributes(b.sqs, 'jh');
    expect(saved.VisibilityTimeout).toBe('7');
    expect((await receive(b.sqs, 'jh')).map((m) => m.Body)).toEqual(['new']);
    await b.stop();
  });

  it('refuses a task table that LevelDB cannot open, and --reset starts afresh', async () => {
    const a = await boot(dir);
    await a.sqs.send(new CreateQueueCommand({ QueueName: 'jt' }));
    await a.stop();
    await writeFile(join(dir, 'tasks', 'CURRENT'), 'garbage');
    const error = await LocalPersistence.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirError);
    expect((error as Error).message).toMatch(
      /the task table in .* cannot be opened \(.+\)\. Start with --reset/,
    );
    const reset = await LocalPersistence.open(dir, { reset: true });
    reset.close();
    const b = await boot(dir);
    expect(await b.sqs.send(new GetQueueUrlCommand({ QueueName: 'jt' })).catch(() => 'gone')).toBe(
      'gone',
    );
    await b.stop();
  });

  it('refuses to start on a journal with a corrupt line, naming it', async () => {
    const a = await boot(dir);
    await a.stop();
    await appendFile(join(dir, QUEUE_JOURNAL), 'garbage\n{"t":"purge","queue":"q"}\n');
    const error = await LocalPersistence.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirError);
    expect((error as Error).message).toMatch(
      `${join(dir, QUEUE_JOURNAL)} line 1 is corrupt: not JSON. Start with --reset`,
    );
  });
});
