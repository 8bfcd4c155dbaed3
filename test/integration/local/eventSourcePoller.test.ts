import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeAll, expect, it } from 'vitest';
import {
  EventSourcePoller,
  type InvocationReport,
  type PollerOptions,
} from '../../../local/esm/EventSourcePoller.js';
import { type Backend, createQueuePair, uniqueName } from '../../helpers/backends.js';
import { depth } from '../../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../../helpers/eachBackend.js';
import { deferred } from '../../helpers/testTasks.js';

describeOnEachBackend('EventSourcePoller', (current) => {
  let backend: Backend;
  let poller: EventSourcePoller | undefined;

  beforeAll(async () => {
    backend = current();
  });
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  async function queueWith(bodies: string[], visibilityTimeout = 30) {
    const q = await createQueuePair(backend, uniqueName('esm'), { visibilityTimeout });
    for (let i = 0; i < bodies.length; i += 10) {
      await backend.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: q.url,
          Entries: bodies.slice(i, i + 10).map((b, j) => ({ Id: String(j), MessageBody: b })),
        }),
      );
    }
    return q;
  }

  /** Starts a poller and resolves once `count` invocations have been reported. */
  function run(
    options: Partial<PollerOptions> & Pick<PollerOptions, 'handler' | 'queue'>,
    count: number,
  ): Promise<InvocationReport[]> {
    const reports: InvocationReport[] = [];
    const done = deferred<InvocationReport[]>();
    poller = new EventSourcePoller({
      sqs: backend.sqs,
      region: backend.region,
      functionName: 'consumer',
      functionTimeoutMs: 10_000,
      batchSize: 10,
      batchingWindowSeconds: 0,
      maxConcurrency: 2,
      waitSeconds: 1,
      onInvocation: (report) => {
        reports.push(report);
        if (reports.length === count) done.resolve(reports);
      },
      ...options,
    });
    poller.start();
    return done.promise;
  }

  it('deletes what the partial batch response does not list', async () => {
    const q = await queueWith(['ok-1', 'fail-1', 'ok-2']);
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => ({
      batchItemFailures: event.Records.filter((r) => r.body.startsWith('fail')).map((r) => ({
        itemIdentifier: r.messageId,
      })),
    });

    const [report] = await run({ queue: q, handler }, 1);

    expect(report).toMatchObject({ records: 3, deleted: 2, returned: 1 });
    expect(await depth(backend.sqs, q.url)).toEqual({ visible: 0, inFlight: 1 });
  });

  it('sends the whole batch back when the handler throws, after the visibility timeout', async () => {
    const q = await queueWith(['a', 'b'], 1);
    const seen: string[][] = [];
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      seen.push(event.Records.map((r) => r.attributes.ApproximateReceiveCount));
      if (seen.length === 1) throw new Error('invocation crashed');
      return { batchItemFailures: [] };
    };

    const reports = await run({ queue: q, handler }, 2);

    expect(reports[0]).toMatchObject({ deleted: 0, returned: 2, error: 'invocation crashed' });
    expect(seen[1]).toEqual(['2', '2']);
    expect(reports[1]).toMatchObject({ deleted: 2 });
  });

  it('treats a handler that returns nothing as a full success, as Lambda does', async () => {
    const q = await queueWith(['a', 'b']);
    const handler = async () => undefined as unknown as SQSBatchResponse;

    const [report] = await run({ queue: q, handler }, 1);

    expect(report).toMatchObject({ records: 2, deleted: 2, returned: 0 });
    expect(report?.error).toBeUndefined();
  });

  it('fails the whole batch on an identifier that is not in it', async () => {
    const q = await queueWith(['a', 'b']);
    const handler = async (): Promise<SQSBatchResponse> => ({
      batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }],
    });

    const [report] = await run({ queue: q, handler }, 1);

    expect(report?.deleted).toBe(0);
    expect(report?.error).toMatch(/whole batch/);
  });

  it('never runs more than maxConcurrency invocations at once', async () => {
    const q = await queueWith(Array.from({ length: 12 }, (_, i) => `m${i}`));
    const release = deferred<void>();
    const saturated = deferred<void>();
    let active = 0;
    let peak = 0;
    const handler = async (): Promise<SQSBatchResponse> => {
      active++;
      peak = Math.max(peak, active);
      await release.promise;
      active--;
      return { batchItemFailures: [] };
    };

    const all = run(
      {
        queue: q,
        handler,
        batchSize: 1,
        maxConcurrency: 3,
        onSaturated: () => saturated.resolve(),
      },
      12,
    );
    await saturated.promise;
    // Every slot is taken and the poller has stopped receiving: the rest stay visible.
    expect(active).toBe(3);
    expect(await depth(backend.sqs, q.url)).toEqual({ visible: 9, inFlight: 3 });
    release.resolve();
    await all;

    expect(peak).toBe(3);
    expect(poller?.peakConcurrency).toBe(3);
    expect(await depth(backend.sqs, q.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('lets an in-flight batch finish on stop, then stops receiving', async () => {
    const q = await queueWith(['in-flight']);
    const started = deferred<void>();
    const release = deferred<void>();
    const handler = async (): Promise<SQSBatchResponse> => {
      started.resolve();
      await release.promise;
      return { batchItemFailures: [] };
    };
    const reports = run({ queue: q, handler }, 1);
    await started.promise;

    const stopped = poller!.stop();
    await backend.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: q.url,
        Entries: [{ Id: '0', MessageBody: 'after-stop' }],
      }),
    );
    release.resolve();
    await stopped;

    // stop() resolved only after the batch was settled, and nothing was received after it.
    expect(await depth(backend.sqs, q.url)).toEqual({ visible: 1, inFlight: 0 });
    expect((await reports)[0]).toMatchObject({ records: 1, deleted: 1 });
  });

  it('fills a batch over several receives within the batching window', async () => {
    const q = await queueWith(Array.from({ length: 15 }, (_, i) => `m${i}`));
    const handler = async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [] });

    const [report] = await run(
      { queue: q, handler, batchSize: 15, batchingWindowSeconds: 2, maxConcurrency: 1 },
      1,
    );

    expect(report?.records).toBe(15);
  });

  it('treats a handler that outlives the function timeout as a failed invocation', async () => {
    const q = await queueWith(['slow']);
    const handler = () => new Promise<SQSBatchResponse>(() => undefined);

    const [report] = await run({ queue: q, handler, functionTimeoutMs: 50 }, 1);

    expect(report).toMatchObject({ deleted: 0, returned: 1 });
    expect(report?.error).toMatch(/timed out/);
  });
});
