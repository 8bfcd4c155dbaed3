import { beforeAll, expect, it, vi } from 'vitest';
import type { SqsConsumer } from '../../functions/consumer/createConsumer.js';
import { lambdaContext } from '../../local/esm/lambdaContext.js';
import { settleBatch } from '../../local/esm/settleBatch.js';
import type { Backend } from '../helpers/backends.js';
import {
  createPipeline,
  depth,
  envelope,
  lambdaEnvironment,
  type Pipeline,
  receiveEvent,
  send,
} from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';

// The Lambda entry point as deployed: configured only by environment, SDK endpoints included.
describeOnEachBackend('consumer Lambda entry point', (current) => {
  let backend: Backend;
  let p: Pipeline;
  let handler: SqsConsumer;

  beforeAll(async () => {
    backend = current();
    p = await createPipeline(backend);
    Object.assign(process.env, lambdaEnvironment(p));
    // A fresh module per backend: the handler reads its environment once, at cold start.
    vi.resetModules();
    ({ handler } = await import('../../functions/consumer/handler.js'));
  });

  it('processes the example tasks end to end', async () => {
    const noop = envelope('noop', {});
    const summary = envelope('logs.summarize', {
      lines: ['2026-01-01T00:00:00Z ERROR disk 93% full', '2026-01-01T00:00:01Z INFO ok'],
    });
    await send(backend.sqs, p.standard, noop);
    await send(backend.sqs, p.standard, summary);
    const event = await receiveEvent(p, p.standard, 2);

    const response = await handler(event, lambdaContext('consumer', Date.now() + 30_000));
    await settleBatch(backend.sqs, p.standard.url, event, response);

    expect(response.batchItemFailures).toEqual([]);
    expect(await p.store.get(noop.id)).toMatchObject({ status: 'SUCCEEDED' });
    const done = await p.store.get(summary.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', result: { total: 2 } });
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
  });
});
