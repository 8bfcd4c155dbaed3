import { setTimeout as delay } from 'node:timers/promises';
import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type FunctionConcurrency, THROTTLE_BACKOFF_MS } from './FunctionConcurrency.js';
import { lambdaContext } from './lambdaContext.js';
import { type Settled, type SettleError, settleBatch } from './settleBatch.js';
import { toSqsEvent } from './toSqsEvent.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface PollerOptions {
  sqs: SQSClient;
  queue: { url: string; arn: string; name: string };
  region: string;
  handler: SqsHandler;
  functionName: string;
  functionTimeoutMs: number;
  batchSize: number;
  batchingWindowSeconds: number;
  /** Concurrent invocations for this queue, as the event source mapping's maxConcurrency. */
  maxConcurrency: number;
  /** Long-poll length of each receive; short so a stop is prompt. @default 1 */
  waitSeconds?: number;
  onInvocation?: (report: InvocationReport) => void;
  onError?: (error: unknown) => void;
  /** Called when every slot is busy and the poller waits before receiving again. */
  onSaturated?: () => void;
  /** The function's concurrency limit, shared with its other event sources. @default none */
  concurrency?: FunctionConcurrency;
  /** Called for a batch the function's concurrency limit refused (it returns unread). */
  onThrottle?: (queue: string, records: number) => void;
}

const RECEIVE_ERROR_PAUSE_MS = 500;

export interface InvocationReport {
  queue: string;
  records: number;
  deleted: number;
  returned: number;
  /** Set when the whole batch went back: the handler threw, timed out or answered badly. */
  error?: string;
}

/**
 * Behaves like Lambda's SQS event source mapping for one queue: receives batches (batch
 * size and window), invokes at most `maxConcurrency` at once, deletes what the partial
 * batch response does not list, and deletes nothing when the invocation fails, so the
 * whole batch returns after its visibility timeout.
 */
export class EventSourcePoller {
  #running = false;
  #receiving?: AbortController;
  #loop?: Promise<void>;
  /** Invocations holding a concurrency slot: until their handler ends. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Invocations whose batch is not settled yet; a stop waits for these. */
  readonly #unsettled = new Set<Promise<void>>();
  /** Highest number of concurrent invocations seen; lets tests check the cap. */
  peakConcurrency = 0;

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.run();
  }

  /** Batches handed to the handler and not settled yet: what a stop waits for. */
  get unsettledBatches(): number {
    return this.#unsettled.size;
  }

  /** Stops receiving and waits for in-flight invocations to finish. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#receiving?.abort();
    await this.#loop;
    // A timed-out handler that never ends is not waited for: Lambda would have killed it.
    await Promise.allSettled([...this.#unsettled]);
  }

  private async run(): Promise<void> {
    while (this.#running) {
      // Receive only with a free slot, so no message sits invisible waiting for one.
      while (this.#inFlight.size >= this.options.maxConcurrency && this.#running) {
        this.options.onSaturated?.();
        await Promise.race(this.#inFlight);
      }
      if (!this.#running) break;
      let messages: Message[];
      try {
        messages = await this.gather();
      } catch (error) {
        if (!this.#running) break;
        // An emulator hiccup must not end the poller; pause briefly and poll again.
        this.options.onError?.(error);
        await delay(RECEIVE_ERROR_PAUSE_MS);
        continue;
      }
      if (messages.length === 0) continue;
      const { settled, ended } = this.invoke(messages);
      const settling = settled.finally(() => this.#unsettled.delete(settling));
      this.#unsettled.add(settling);
      const slot = ended.finally(() => this.#inFlight.delete(slot));
      this.#inFlight.add(slot);
      this.peakConcurrency = Math.max(this.peakConcurrency, this.#inFlight.size);
    }
  }

  /** One batch: the first receive long-polls; more receives fill it until the window closes. */
  private async gather(): Promise<Message[]> {
    const { batchSize, batchingWindowSeconds } = this.options;
    const messages = await this.receive(Math.min(10, batchSize), this.options.waitSeconds ?? 1);
    // With no window, the loop below ends at once: the window closed as it opened.
    if (messages.length === 0) return messages;
    const windowEnds = Date.now() + batchingWindowSeconds * 1000;
    while (this.#running && messages.length < batchSize && Date.now() < windowEnds) {
      const wait = Math.min(1, Math.max(0, Math.floor((windowEnds - Date.now()) / 1000)));
      const more = await this.receive(Math.min(10, batchSize - messages.length), wait);
      messages.push(...more);
      if (more.length === 0 && wait === 0) break;
    }
    return messages;
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    this.#receiving = new AbortController();
    const out = await this.options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queue.url,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.#receiving.signal },
    );
    return out.Messages ?? [];
  }

  /** `settled`: the batch is deleted or returned; `ended`: the handler itself finished. */
  private invoke(messages: Message[]): { settled: Promise<void>; ended: Promise<unknown> } {
    const { concurrency } = this.options;
    if (!concurrency) return this.invokeFunction(messages);
    const release = concurrency.tryAcquire();
    if (!release) {
      // Throttled: nothing is deleted or returned, so the batch waits out its visibility.
      this.options.onThrottle?.(this.options.queue.name, messages.length);
      return { settled: Promise.resolve(), ended: delay(THROTTLE_BACKOFF_MS) };
    }
    const invoked = this.invokeFunction(messages);
    return { settled: invoked.settled, ended: invoked.ended.finally(release) };
  }

  private invokeFunction(messages: Message[]): { settled: Promise<void>; ended: Promise<unknown> } {
    const event = toSqsEvent(messages, this.options.queue.arn, this.options.region);
    const running = Promise.resolve().then(() =>
      this.options.handler(
        event,
        lambdaContext(this.options.functionName, Date.now() + this.options.functionTimeoutMs),
      ),
    );
    const settled = this.settle(messages, event, running);
    // Lambda would kill a timed-out invocation; here it runs on, so it keeps its slot until
    // it ends and maxConcurrency still holds.
    const ended = settled.then(() => Promise.allSettled([running]));
    return { settled, ended };
  }

  private async settle(
    messages: Message[],
    event: SQSEvent,
    running: Promise<SQSBatchResponse>,
  ): Promise<void> {
    const { sqs, queue, functionTimeoutMs } = this.options;
    let response: SQSBatchResponse | undefined;
    let error: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Task timed out after ${functionTimeoutMs / 1000} seconds`)),
          functionTimeoutMs,
        );
      });
      const answer: unknown = await Promise.race([running, timedOut]);
      const checked = partialBatchResponse(event, answer);
      if (typeof checked === 'string') error = checked;
      else response = checked;
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
    } finally {
      clearTimeout(timer);
    }
    let settled: Settled;
    try {
      settled = await settleBatch(sqs, queue.url, event, response);
    } catch (deleteError) {
      // Undeleted messages come back and are acknowledged as duplicates then. settleBatch
      // tries every chunk and throws only a SettleError, which counts what it deleted.
      this.options.onError?.(deleteError);
      settled = (deleteError as SettleError).settled;
    }
    this.options.onInvocation?.({
      queue: queue.name,
      records: messages.length,
      ...settled,
      ...(error ? { error } : {}),
    });
  }
}

/**
 * The handler's answer as Lambda reads it: none, or one without `batchItemFailures`, is a
 * full success; a `batchItemFailures` that is not a list, or an entry whose `itemIdentifier`
 * is not a message of the batch, fails the whole batch: the string says why.
 */
function partialBatchResponse(event: SQSEvent, answer: unknown): SQSBatchResponse | string {
  const failures: unknown =
    (answer as Partial<SQSBatchResponse> | undefined)?.batchItemFailures ?? [];
  if (!Array.isArray(failures)) {
    return `invalid partial batch response: batchItemFailures is ${JSON.stringify(failures)}, not a list of { itemIdentifier }; the whole batch is retried`;
  }
  const ids = new Set<unknown>(event.Records.map((r) => r.messageId));
  const bad = failures.findIndex(
    (f) => !ids.has((f as { itemIdentifier?: unknown } | null)?.itemIdentifier),
  );
  return bad === -1
    ? { batchItemFailures: failures }
    : `invalid batchItemFailures entry ${JSON.stringify(failures[bad])}: the whole batch is retried`;
}
