import {
  type DeleteMessageBatchCommandInput,
  type DeleteMessageBatchCommandOutput,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  EventSourcePoller,
  type InvocationReport,
  type PollerOptions,
} from '../../../local/esm/EventSourcePoller.js';
import { SettleError } from '../../../local/esm/settleBatch.js';
import {
  type Backend,
  createQueuePair,
  startEmulators,
  TEST_CREDENTIALS,
  uniqueName,
} from '../../helpers/backends.js';
import { depth } from '../../helpers/consumerHarness.js';
import { deferred } from '../../helpers/testTasks.js';

type Fault = (command: string, input: unknown, next: () => Promise<unknown>) => Promise<unknown>;

// The poller's own failures: SQS refusing receives and deletes.
describe('EventSourcePoller under SQS faults', () => {
  let backend: Backend;
  let poller: EventSourcePoller | undefined;

  beforeAll(async () => {
    backend = await startEmulators();
  });
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });
  afterAll(async () => backend?.stop());

  /** A real client on the emulator whose calls pass through `fault` first. */
  function faultyClient(fault: Fault): SQSClient {
    const client = new SQSClient({
      region: backend.region,
      endpoint: backend.sqsEndpoint,
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next, context) => async (args) =>
        (await fault(context.commandName ?? '', args.input, () => next(args))) as never,
      { step: 'initialize', name: 'fault' },
    );
    return client;
  }

  async function queueWith(bodies: string[]) {
    const q = await createQueuePair(backend, uniqueName('esm-fault'), { visibilityTimeout: 30 });
    if (bodies.length === 0) return q;
    await backend.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: q.url,
        Entries: bodies.map((b, j) => ({ Id: String(j), MessageBody: b })),
      }),
    );
    return q;
  }

  function start(sqs: SQSClient, queue: PollerOptions['queue'], errors: unknown[]) {
    const report = deferred<InvocationReport>();
    poller = new EventSourcePoller({
      sqs,
      queue,
      region: backend.region,
      handler: async () => ({ batchItemFailures: [] }),
      functionName: 'consumer',
      functionTimeoutMs: 10_000,
      batchSize: 10,
      batchingWindowSeconds: 0,
      maxConcurrency: 1,
      waitSeconds: 1,
      onInvocation: (r) => report.resolve(r),
      onError: (error) => errors.push(error),
    });
    poller.start();
    return report.promise;
  }

  it('reports each failed receive and keeps polling', async () => {
    const q = await queueWith(['a']);
    let failures = 2;
    const sqs = faultyClient(async (command, _input, next) => {
      if (command === 'ReceiveMessageCommand' && failures-- > 0) {
        throw Object.assign(new Error('connection reset'), { name: 'ECONNRESET' });
      }
      return next();
    });
    const errors: unknown[] = [];

    const report = await start(sqs, q, errors);

    expect(errors.map((e) => (e as Error).message)).toEqual([
      'connection reset',
      'connection reset',
    ]);
    expect(report).toMatchObject({ records: 1, deleted: 1, returned: 0 });
  });

  it('reports no error for the receive that a stop cuts short', async () => {
    const q = await queueWith([]);
    const receiving = deferred<void>();
    const sqs = faultyClient(async (command, _input, next) => {
      if (command === 'ReceiveMessageCommand') receiving.resolve();
      return next();
    });
    const errors: unknown[] = [];
    void start(sqs, q, errors);
    await receiving.promise;

    await poller?.stop();

    expect(errors).toEqual([]);
  });

  it('reports the deletes that happened when SQS refuses some entries', async () => {
    const q = await queueWith(['a', 'b', 'c']);
    const sqs = faultyClient(async (command, input, next) => {
      if (command !== 'DeleteMessageBatchCommand') return next();
      // Two entries are refused, as SQS answers for expired receipt handles (Message optional).
      const batch = input as DeleteMessageBatchCommandInput;
      const [first, second, ...rest] = batch.Entries ?? [];
      batch.Entries = rest;
      const out = (await next()) as { output: DeleteMessageBatchCommandOutput };
      out.output.Failed = [
        { Id: first!.Id, Code: 'ReceiptHandleIsInvalid', Message: 'expired', SenderFault: true },
        { Id: second!.Id, Code: 'ReceiptHandleIsInvalid', SenderFault: true },
      ];
      return out;
    });
    const errors: unknown[] = [];

    const report = await start(sqs, q, errors);

    expect(report).toMatchObject({ records: 3, deleted: 1, returned: 2 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SettleError);
    expect((errors[0] as Error).name).toBe('SettleError');
    expect((errors[0] as Error).message).toBe(
      `could not delete 2 of 3 processed messages from ${q.url}: ReceiptHandleIsInvalid: expired; ReceiptHandleIsInvalid: no message`,
    );
    expect(await depth(backend.sqs, q.url)).toEqual({ visible: 0, inFlight: 2 });
  });

  it('deletes a batch of more than ten in chunks of ten', async () => {
    const q = await queueWith(Array.from({ length: 10 }, (_, i) => `a${i}`));
    await backend.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: q.url,
        Entries: [0, 1].map((j) => ({ Id: String(j), MessageBody: `b${j}` })),
      }),
    );
    const received = deferred<InvocationReport>();
    const errors: unknown[] = [];
    poller = new EventSourcePoller({
      sqs: backend.sqs,
      queue: q,
      region: backend.region,
      handler: async () => ({ batchItemFailures: [] }),
      functionName: 'consumer',
      functionTimeoutMs: 10_000,
      batchSize: 12,
      batchingWindowSeconds: 2,
      maxConcurrency: 1,
      onInvocation: (r) => received.resolve(r),
      onError: (error) => errors.push(error),
    });
    poller.start();

    const report = await received.promise;

    expect(errors).toEqual([]);
    expect(report).toMatchObject({ records: 12, deleted: 12, returned: 0 });
    expect(await depth(backend.sqs, q.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('reports nothing deleted when every delete fails', async () => {
    const q = await queueWith(['a', 'b']);
    const sqs = faultyClient(async (command, _input, next) => {
      if (command === 'DeleteMessageBatchCommand') {
        throw Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' });
      }
      return next();
    });
    const errors: unknown[] = [];

    const report = await start(sqs, q, errors);

    expect(report).toMatchObject({ records: 2, deleted: 0, returned: 2 });
    expect((errors[0] as Error).message).toMatch(/could not delete 2 of 2 .*service unavailable/);
    expect((errors[0] as Error).cause).toMatchObject({ name: 'ServiceUnavailable' });
    expect(await depth(backend.sqs, q.url)).toEqual({ visible: 0, inFlight: 2 });
  });
});
