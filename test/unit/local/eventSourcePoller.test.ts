import {
  type BatchResultErrorEntry,
  DeleteMessageBatchCommand,
  type DeleteMessageBatchCommandInput,
  type Message,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  EventSourcePoller,
  type InvocationReport,
  type PollerOptions,
} from '../../../local/esm/EventSourcePoller.js';
import { FunctionConcurrency } from '../../../local/esm/FunctionConcurrency.js';
import { SettleError } from '../../../local/esm/settleBatch.js';
import { deferred } from '../../helpers/testTasks.js';

/** A receive's answer: messages, an error, or messages after a poll that took `after` ms. */
type Receive = Message[] | Error | { after: number; messages: Message[] };

/**
 * SQS at the client's edge: receives answer from a script, then hang as a long poll does
 * until the poller aborts them; deletes are recorded and can be refused. An answer that
 * took time moves the (faked) clock on.
 */
class FakeSqs {
  readonly receives: ReceiveMessageCommandInput[] = [];
  readonly deleted: string[] = [];
  /** Receipt handles SQS refuses to delete. */
  readonly refuse = new Set<string>();
  #script: Receive[] = [];
  #pending = 0;
  #waiters: Array<{ count: number; resolve: () => void }> = [];
  /** Most receives pending at once. */
  peakPending = 0;

  answer(...answers: Receive[]): this {
    this.#script.push(...answers);
    return this;
  }

  /** Resolves once `count` receives have been sent. */
  received(count: number): Promise<void> {
    const { promise, resolve } = deferred<void>();
    this.#waiters.push({ count, resolve });
    this.#wake();
    return promise;
  }

  async send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> {
    if (command instanceof DeleteMessageBatchCommand) return this.#delete(command.input);
    if (!(command instanceof ReceiveMessageCommand)) throw new Error('unexpected command');
    this.receives.push(command.input);
    this.#wake();
    const answer = this.#script.shift();
    if (answer instanceof Error) throw answer;
    if (answer) {
      const { after, messages } = Array.isArray(answer) ? { after: 0, messages: answer } : answer;
      if (after > 0) vi.setSystemTime(Date.now() + after);
      // SQS leaves Messages out of an empty answer.
      return messages.length > 0 ? { Messages: messages } : {};
    }
    this.#pending += 1;
    this.peakPending = Math.max(this.peakPending, this.#pending);
    try {
      return await new Promise((_, reject) =>
        options?.abortSignal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
        ),
      );
    } finally {
      this.#pending -= 1;
    }
  }

  #delete(input: DeleteMessageBatchCommandInput) {
    const failed: BatchResultErrorEntry[] = [];
    for (const entry of input.Entries ?? []) {
      const handle = entry.ReceiptHandle ?? '';
      if (this.refuse.has(handle)) {
        failed.push({ Id: entry.Id, Code: 'ReceiptHandleIsInvalid', SenderFault: true });
      } else this.deleted.push(handle);
    }
    return { Successful: [], Failed: failed };
  }

  #wake() {
    this.#waiters = this.#waiters.filter((w) => {
      if (this.receives.length < w.count) return true;
      w.resolve();
      return false;
    });
  }
}

const message = (id: string): Message => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: `{"n":"${id}"}`,
});

describe('EventSourcePoller', () => {
  let poller: EventSourcePoller | undefined;

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
    vi.useRealTimers();
  });

  /** A poller on `sqs` whose reports and errors are collected; `reported(n)` awaits n. */
  function start(sqs: FakeSqs, options: Partial<PollerOptions> = {}) {
    const reports: InvocationReport[] = [];
    const errors: unknown[] = [];
    const waiters: Array<{ count: number; resolve: () => void }> = [];
    const wake = () => {
      for (const w of waiters.filter((x) => reports.length >= x.count)) w.resolve();
    };
    poller = new EventSourcePoller({
      sqs: sqs as unknown as SQSClient,
      queue: { url: 'http://sqs.local/q', arn: 'arn:aws:sqs:eu-west-1:000000000000:q', name: 'q' },
      region: 'eu-west-1',
      handler: async () => ({ batchItemFailures: [] }),
      functionName: 'consumer',
      functionTimeoutMs: 60_000,
      batchSize: 10,
      batchingWindowSeconds: 0,
      maxConcurrency: 1,
      onError: (error) => errors.push(error),
      ...options,
      onInvocation: (report) => {
        reports.push(report);
        options.onInvocation?.(report);
        wake();
      },
    });
    poller.start();
    const reported = (count: number) => {
      const { promise, resolve } = deferred<void>();
      waiters.push({ count, resolve });
      wake();
      return promise;
    };
    return { poller, reports, errors, reported };
  }

  it('hands a received batch to the handler as an SQS event and deletes it all', async () => {
    const sqs = new FakeSqs().answer([message('a'), message('b')]);
    const events: Array<{ event: SQSEvent; context: Context }> = [];
    const { reports, reported } = start(sqs, {
      batchSize: 25,
      waitSeconds: 3,
      handler: async (event, context) => {
        events.push({ event, context });
        return { batchItemFailures: [] };
      },
    });

    await reported(1);

    expect(sqs.receives[0]).toEqual({
      QueueUrl: 'http://sqs.local/q',
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 3,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    const { event, context } = events[0]!;
    expect(event.Records.map((r) => [r.messageId, r.eventSourceARN, r.awsRegion])).toEqual([
      ['a', 'arn:aws:sqs:eu-west-1:000000000000:q', 'eu-west-1'],
      ['b', 'arn:aws:sqs:eu-west-1:000000000000:q', 'eu-west-1'],
    ]);
    expect(context.functionName).toBe('consumer');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(60_000);
    expect(sqs.deleted).toEqual(['rh-a', 'rh-b']);
    expect(reports).toEqual([{ queue: 'q', records: 2, deleted: 2, returned: 0 }]);
  });

  it('long-polls one second by default and asks for no more than the batch size', async () => {
    const sqs = new FakeSqs();
    start(sqs, { batchSize: 4 });

    await sqs.received(1);

    expect(sqs.receives[0]).toMatchObject({ MaxNumberOfMessages: 4, WaitTimeSeconds: 1 });
  });

  it('fills a batch over several receives while the batching window is open', async () => {
    const sqs = new FakeSqs().answer([message('a')], [message('b'), message('c')], [message('d')]);
    const batches: string[][] = [];
    const { reports, reported } = start(sqs, {
      batchSize: 4,
      batchingWindowSeconds: 30,
      handler: async (event) => {
        batches.push(event.Records.map((r) => r.messageId));
        return { batchItemFailures: [] };
      },
    });

    await reported(1);

    expect(batches).toEqual([['a', 'b', 'c', 'd']]);
    expect(sqs.receives.slice(0, 3).map((r) => [r.MaxNumberOfMessages, r.WaitTimeSeconds])).toEqual(
      [
        [4, 1],
        [3, 1],
        [1, 1],
      ],
    );
    expect(reports).toEqual([{ queue: 'q', records: 4, deleted: 4, returned: 0 }]);
  });

  it('receives while the window is open by the clock, without waiting in its last second', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const sqs = new FakeSqs().answer(
      [message('a')], // the 3 s window opens
      { after: 1_000, messages: [] }, // a whole second of nothing: the window stays open
      [message('b')],
      { after: 1_500, messages: [] }, // 500 ms left: no more long polls
      [message('c')], // an answer at once: the window stays open
      [], // nothing at once, and no time to wait: the batch goes
      [message('d')],
    );
    const batches: string[][] = [];
    const { reported } = start(sqs, {
      batchSize: 4,
      batchingWindowSeconds: 3,
      handler: async (event) => {
        batches.push(event.Records.map((r) => r.messageId));
        return { batchItemFailures: [] };
      },
    });

    await reported(1);
    await sqs.received(7);

    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(sqs.receives.map((r) => [r.MaxNumberOfMessages, r.WaitTimeSeconds])).toEqual([
      [4, 1],
      [3, 1],
      [3, 1],
      [2, 1],
      [2, 0],
      [1, 0],
      [4, 1],
    ]);
  });

  it('sends the batch at the moment its window closes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const sqs = new FakeSqs().answer(
      [message('a')],
      { after: 2_000, messages: [] },
      [],
      [message('b')],
    );
    const batches: string[][] = [];
    const { reported } = start(sqs, {
      batchSize: 4,
      batchingWindowSeconds: 2,
      handler: async (event) => {
        batches.push(event.Records.map((r) => r.messageId));
        return { batchItemFailures: [] };
      },
    });

    await reported(1);
    await sqs.received(4);

    expect(batches).toEqual([['a']]);
    expect(sqs.receives.map((r) => [r.MaxNumberOfMessages, r.WaitTimeSeconds])).toEqual([
      [4, 1],
      [3, 1],
      [4, 1],
      [4, 1],
    ]);
  });

  it('invokes on the first receive when there is no batching window', async () => {
    const sqs = new FakeSqs().answer([message('a')], [message('b')]);
    const batches: string[][] = [];
    const { reported } = start(sqs, {
      batchSize: 4,
      handler: async (event) => {
        batches.push(event.Records.map((r) => r.messageId));
        return { batchItemFailures: [] };
      },
    });

    await reported(2);

    expect(batches).toEqual([['a'], ['b']]);
  });

  it('deletes only the records the partial batch response does not list', async () => {
    const sqs = new FakeSqs().answer([message('a'), message('b'), message('c')]);
    const { reports, reported } = start(sqs, {
      handler: async () => ({ batchItemFailures: [{ itemIdentifier: 'b' }] }),
    });

    await reported(1);

    expect(sqs.deleted).toEqual(['rh-a', 'rh-c']);
    expect(reports).toEqual([{ queue: 'q', records: 3, deleted: 2, returned: 1 }]);
  });

  it('takes no answer, or one without batchItemFailures, as a full success', async () => {
    const sqs = new FakeSqs().answer([message('a')], [message('b')]);
    const answers = [undefined, {}] as unknown as SQSBatchResponse[];
    const { reports, reported } = start(sqs, { handler: async () => answers.shift()! });

    await reported(2);

    expect(sqs.deleted).toEqual(['rh-a', 'rh-b']);
    expect(reports.map((r) => r.error)).toEqual([undefined, undefined]);
  });

  it('returns the whole batch on an identifier that is empty or not in it', async () => {
    const sqs = new FakeSqs().answer([message('a'), message('b')], [message('c')]);
    const answers: SQSBatchResponse[] = [
      { batchItemFailures: [{ itemIdentifier: 'z' }] },
      { batchItemFailures: [{ itemIdentifier: '' }] },
    ];
    const { reports, reported } = start(sqs, { handler: async () => answers.shift()! });

    await reported(2);

    expect(sqs.deleted).toEqual([]);
    expect(reports).toEqual([
      {
        queue: 'q',
        records: 2,
        deleted: 0,
        returned: 2,
        error: 'invalid batchItemFailures entry {"itemIdentifier":"z"}: the whole batch is retried',
      },
      {
        queue: 'q',
        records: 1,
        deleted: 0,
        returned: 1,
        error: 'invalid batchItemFailures entry {"itemIdentifier":""}: the whole batch is retried',
      },
    ]);
  });

  it('returns the whole batch on batchItemFailures that are not a list, or an entry that is not an object', async () => {
    const sqs = new FakeSqs().answer([message('a')], [message('b')], [message('c')]);
    const answers = [
      { batchItemFailures: 'a' },
      { batchItemFailures: [null] },
      { batchItemFailures: [{ itemIdentifier: 'b' }] },
    ] as unknown as SQSBatchResponse[];
    const { reports, errors, reported } = start(sqs, { handler: async () => answers.shift()! });

    await reported(3);

    expect(sqs.deleted).toEqual([]);
    expect(errors).toEqual([]);
    expect(reports).toEqual([
      {
        queue: 'q',
        records: 1,
        deleted: 0,
        returned: 1,
        error:
          'invalid partial batch response: batchItemFailures is "a", not a list of { itemIdentifier }; the whole batch is retried',
      },
      {
        queue: 'q',
        records: 1,
        deleted: 0,
        returned: 1,
        error: 'invalid batchItemFailures entry null: the whole batch is retried',
      },
      {
        queue: 'q',
        records: 1,
        deleted: 0,
        returned: 1,
        error: 'invalid batchItemFailures entry {"itemIdentifier":"b"}: the whole batch is retried',
      },
    ]);
  });

  it('returns the whole batch when the handler throws, with what it threw', async () => {
    const sqs = new FakeSqs().answer([message('a')], [message('b')]);
    const thrown: unknown[] = [new Error('handler broke'), 'a string'];
    const { reports, reported } = start(sqs, {
      handler: async () => {
        throw thrown.shift();
      },
    });

    await reported(2);

    expect(sqs.deleted).toEqual([]);
    expect(reports).toEqual([
      { queue: 'q', records: 1, deleted: 0, returned: 1, error: 'handler broke' },
      { queue: 'q', records: 1, deleted: 0, returned: 1, error: 'a string' },
    ]);
  });

  it('returns the whole batch of a handler that outlives the function timeout', async () => {
    const sqs = new FakeSqs().answer([message('a')]);
    const never = deferred<SQSBatchResponse>();
    const { reports, reported } = start(sqs, {
      functionTimeoutMs: 50,
      handler: () => never.promise,
    });

    await reported(1);

    expect(sqs.deleted).toEqual([]);
    expect(reports).toEqual([
      {
        queue: 'q',
        records: 1,
        deleted: 0,
        returned: 1,
        error: 'Task timed out after 0.05 seconds',
      },
    ]);
    never.resolve({ batchItemFailures: [] });
  });

  it('leaves no function timeout timer behind once the handler answered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sqs = new FakeSqs().answer([message('a')]);
    const { reported } = start(sqs);

    await reported(1);

    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the slot of a timed-out handler until the handler ends', async () => {
    const sqs = new FakeSqs().answer([message('a')]);
    const never = deferred<SQSBatchResponse>();
    const { poller, reported } = start(sqs, {
      functionTimeoutMs: 50,
      handler: () => never.promise,
    });
    await reported(1);
    let ended = false;
    // After every pending callback: a stop that does not wait for the handler is done by then.
    setImmediate(() => {
      ended = true;
      never.resolve({ batchItemFailures: [] });
    });

    await poller.stop();

    expect(ended).toBe(true);
    expect(sqs.receives).toHaveLength(1);
  });

  it('waits on stop for a batch that runs while the next receive polls', async () => {
    const sqs = new FakeSqs().answer([message('a')]);
    const release = deferred<SQSBatchResponse>();
    const { poller, reports } = start(sqs, { maxConcurrency: 2, handler: () => release.promise });
    await sqs.received(2);
    let released = false;
    setImmediate(() => {
      released = true;
      release.resolve({ batchItemFailures: [] });
    });

    await poller.stop();

    expect(released).toBe(true);
    expect(reports).toEqual([{ queue: 'q', records: 1, deleted: 1, returned: 0 }]);
  });

  it('reports the deletes SQS refused as returned, and the refusal as an error', async () => {
    const sqs = new FakeSqs().answer([message('a'), message('b'), message('c')]);
    sqs.refuse.add('rh-b');
    const { reports, errors, reported } = start(sqs);

    await reported(1);

    expect(sqs.deleted).toEqual(['rh-a', 'rh-c']);
    expect(reports).toEqual([{ queue: 'q', records: 3, deleted: 2, returned: 1 }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SettleError);
  });

  it('reports a failed receive and polls again', async () => {
    const failure = new Error('connection reset');
    const sqs = new FakeSqs().answer(failure, [message('a')]);
    const { reports, errors, reported } = start(sqs);

    await reported(1);

    expect(errors).toEqual([failure]);
    expect(reports).toEqual([{ queue: 'q', records: 1, deleted: 1, returned: 0 }]);
  });

  it('ends the receive-error loop on stop', async () => {
    const sqs = new FakeSqs().answer(new Error('down'), new Error('down'));
    const errors: unknown[] = [];
    const first = deferred<void>();
    const { poller } = start(sqs, {
      onError: (error) => {
        errors.push(error);
        first.resolve();
      },
    });
    await first.promise;

    await poller.stop();

    expect(sqs.receives).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('reports no error for the receive a stop cuts short', async () => {
    const sqs = new FakeSqs();
    const { poller, errors } = start(sqs);
    await sqs.received(1);

    await poller.stop();

    expect(errors).toEqual([]);
    expect(sqs.receives).toHaveLength(1);
  });

  it('receives no more while every slot is busy, and waits for the busy ones on stop', async () => {
    const sqs = new FakeSqs().answer([message('a')], [message('b')]);
    const release = deferred<SQSBatchResponse>();
    const started = deferred<void>();
    let saturated = 0;
    const { poller, reports, reported } = start(sqs, {
      maxConcurrency: 1,
      onSaturated: () => {
        saturated += 1;
      },
      handler: () => {
        started.resolve();
        return release.promise;
      },
    });
    await started.promise;

    expect(sqs.receives).toHaveLength(1);
    expect(saturated).toBe(1);
    expect(poller.unsettledBatches).toBe(1);

    const stopped = poller.stop();
    release.resolve({ batchItemFailures: [] });
    await stopped;

    expect(reports).toEqual([{ queue: 'q', records: 1, deleted: 1, returned: 0 }]);
    expect(poller.unsettledBatches).toBe(0);
    expect(poller.peakConcurrency).toBe(1);
    expect(sqs.receives).toHaveLength(1);
    await expect(Promise.race([reported(2), 'none'])).resolves.toBe('none');
  });

  it('runs up to maxConcurrency batches at once', async () => {
    const sqs = new FakeSqs().answer([message('a')], [message('b')], [message('c')]);
    const release = deferred<SQSBatchResponse>();
    const both = deferred<void>();
    let running = 0;
    const { poller, reported } = start(sqs, {
      maxConcurrency: 2,
      handler: () => {
        running += 1;
        if (running === 2) both.resolve();
        return release.promise;
      },
    });
    await both.promise;

    expect(sqs.receives).toHaveLength(2);
    release.resolve({ batchItemFailures: [] });
    await reported(3);

    expect(poller.peakConcurrency).toBe(2);
    expect(sqs.deleted).toEqual(['rh-a', 'rh-b', 'rh-c']);
  });

  it('leaves a batch unread when the function concurrency is full, and reports the throttle', async () => {
    const concurrency = new FunctionConcurrency(1);
    const held = concurrency.tryAcquire()!;
    const sqs = new FakeSqs().answer([message('a'), message('b')]);
    const throttled = deferred<[string, number]>();
    let invoked = 0;
    const { poller, reports } = start(sqs, {
      concurrency,
      onThrottle: (queue, records) => throttled.resolve([queue, records]),
      handler: async () => {
        invoked += 1;
        return { batchItemFailures: [] };
      },
    });

    await expect(throttled.promise).resolves.toEqual(['q', 2]);
    expect(poller.unsettledBatches).toBe(0);
    await poller.stop();

    expect(invoked).toBe(0);
    expect(reports).toEqual([]);
    expect(sqs.deleted).toEqual([]);
    held();
  });

  it('leaves a throttled batch unread with no onThrottle callback', async () => {
    const concurrency = new FunctionConcurrency(1);
    const held = concurrency.tryAcquire()!;
    const sqs = new FakeSqs().answer([message('a')]);
    const { poller } = start(sqs, { concurrency });
    await sqs.received(1);

    await poller.stop();

    expect(concurrency.throttles).toBe(1);
    expect(sqs.deleted).toEqual([]);
    held();
  });

  it('frees its function concurrency once the handler ends', async () => {
    const concurrency = new FunctionConcurrency(1);
    const sqs = new FakeSqs().answer([message('a')], [message('b')]);
    const { poller, reported } = start(sqs, { concurrency });

    await reported(2);
    await poller.stop();

    expect(sqs.deleted).toEqual(['rh-a', 'rh-b']);
    expect(concurrency.throttles).toBe(0);
    expect(concurrency.tryAcquire()).toBeTypeOf('function');
  });

  it('polls again after a pause stops it and a resume starts it, with one loop at a time', async () => {
    const sqs = new FakeSqs();
    const { poller, reports, reported } = start(sqs);
    poller.start();
    await sqs.received(1);
    await poller.stop();

    sqs.answer([message('a')]);
    poller.start();
    await reported(1);

    expect(reports).toEqual([{ queue: 'q', records: 1, deleted: 1, returned: 0 }]);
    expect(sqs.peakPending).toBe(1);
  });

  it('invokes nothing for an empty receive', async () => {
    const sqs = new FakeSqs().answer([], [message('a')]);
    const batches: string[][] = [];
    const { reported } = start(sqs, {
      batchingWindowSeconds: 30,
      batchSize: 1,
      waitSeconds: 3,
      handler: async (event) => {
        batches.push(event.Records.map((r) => r.messageId));
        return { batchItemFailures: [] };
      },
    });

    await reported(1);

    expect(batches).toEqual([['a']]);
    // An empty receive opens no window: the next one is a batch's first long poll again.
    expect(sqs.receives.slice(0, 2).map((r) => r.WaitTimeSeconds)).toEqual([3, 3]);
  });

  it('stops before it ever started, and runs without any callbacks', async () => {
    const sqs = new FakeSqs().answer(new Error('down'), [message('a')]);
    sqs.refuse.add('rh-a');
    const quiet = new EventSourcePoller({
      sqs: sqs as unknown as SQSClient,
      queue: { url: 'http://sqs.local/q', arn: 'arn:aws:sqs:eu-west-1:000000000000:q', name: 'q' },
      region: 'eu-west-1',
      handler: async () => ({ batchItemFailures: [] }),
      functionName: 'consumer',
      functionTimeoutMs: 60_000,
      batchSize: 10,
      batchingWindowSeconds: 0,
      maxConcurrency: 1,
    });
    await quiet.stop();

    quiet.start();
    await sqs.received(3);
    await quiet.stop();

    expect(sqs.deleted).toEqual([]);
  });
});
