import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqsHandler } from '../../local/esm/EventSourcePoller.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { pollUntil } from '../helpers/poll.js';
import { deferred } from '../helpers/testTasks.js';

// The local runtime gives the consumer one concurrency limit across every queue's poller,
// as Lambda does: with it at 1, a second batch is throttled, not run beside the first.
describe('local runtime: consumer concurrency', () => {
  let pipeline: LocalPipeline;
  const busy = deferred<void>();
  let running = 0;
  let peak = 0;

  beforeAll(async () => {
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
      consumerConcurrency: 1,
      wrapHandler:
        (handler: SqsHandler): SqsHandler =>
        async (event, context) => {
          running++;
          peak = Math.max(peak, running);
          try {
            await busy.promise;
            return await handler(event, context);
          } finally {
            running--;
          }
        },
    });
  });
  afterAll(async () => {
    busy.resolve();
    await pipeline?.stop();
  });

  it('throttles batches beyond the limit and counts them as Throttles', async () => {
    const enqueue = (priority: string) =>
      fetch(`${pipeline.info.apiUrl}/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'noop', payload: {}, priority }),
      });
    await enqueue('high');
    await pollUntil(
      async () => running,
      (n) => n === 1,
      { what: 'first batch running' },
    );
    await enqueue('low');

    await pollUntil(
      async () => pipeline.metrics.closePeriod().throttles,
      (n) => n > 0,
      { what: 'a throttled batch', intervalMs: 200 },
    );

    expect(peak).toBe(1);
  });
});
