import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { TaskClient } from '../../../functions/client/index.js';
import type { PayloadFor, TypeOf } from '../../../functions/client/types.js';
import { InvalidPayloadError } from '../../../functions/core/errors.js';
import { UnknownTaskTypeError } from '../../../functions/core/service/errors.js';
import { registry } from '../../../functions/tasks/index.js';

// No request leaves the process: every call below is refused before the send.
const client = new TaskClient({
  registry,
  sqs: new SQSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }),
  queues: [
    {
      priority: 'default',
      name: 'q',
      url: 'http://127.0.0.1:9/000000000000/q',
      dlqUrl: 'http://127.0.0.1:9/000000000000/q-dlq',
      fifo: false,
    },
  ],
});

describe('TaskClient types', () => {
  it('derives type names and payloads from the registry', () => {
    expectTypeOf<TypeOf<typeof registry>>().toEqualTypeOf<
      'email.send' | 'http.post' | 'logs.summarize' | 'noop'
    >();
    expectTypeOf<PayloadFor<typeof registry, 'noop'>>().toEqualTypeOf<{
      sleepMs?: number | undefined;
    }>();
    expectTypeOf(client).toEqualTypeOf<TaskClient<typeof registry>>();
    expectTypeOf(client.enqueue<'http.post'>)
      .parameter(1)
      .toHaveProperty('url')
      .toEqualTypeOf<string>();
  });

  it('refuses at compile time what it refuses at run time', async () => {
    // @ts-expect-error: sleepMs is a number
    await expect(client.enqueue('noop', { sleepMs: 'soon' })).rejects.toBeInstanceOf(
      InvalidPayloadError,
    );
    // @ts-expect-error: http.post needs a url and a body
    await expect(client.enqueue('http.post', { body: {} })).rejects.toBeInstanceOf(
      InvalidPayloadError,
    );
    // @ts-expect-error: not a registered type
    await expect(client.enqueue('mail.send', {})).rejects.toBeInstanceOf(UnknownTaskTypeError);
  });

  it('types each batch entry by its own type', async () => {
    const results = await client.enqueueMany([
      // @ts-expect-error: logs.summarize takes lines, not a url
      { type: 'logs.summarize', payload: { url: 'https://example.com' } },
      // @ts-expect-error: the payload belongs to http.post, not noop
      { type: 'noop', payload: { url: 'https://example.com', body: {} } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
  });
});
