import { afterEach, describe, expect, it } from 'vitest';
import {
  LAMBDA_EVENT_LIMIT_BYTES,
  MAX_BATCH_BODY_BYTES,
} from '../../../functions/api/lambdaEventLimit.js';
import { ApiServer } from '../../../local/http/ApiServer.js';

// The local API server refuses an event Lambda would refuse, the way API Gateway answers.
describe('local API server: Lambda event size', () => {
  let server: ApiServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  async function serve(): Promise<{ url: string; eventBytes: number[] }> {
    const eventBytes: number[] = [];
    server = new ApiServer(async (event) => {
      eventBytes.push(Buffer.byteLength(JSON.stringify(event)));
      return { statusCode: 204 };
    });
    return { url: await server.listen(0), eventBytes };
  }

  const post = (url: string, body: string) =>
    fetch(`${url}/tasks/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  it('invokes the function with a body at the limit, even when every byte escapes six-fold', async () => {
    const { url, eventBytes } = await serve();

    const res = await post(url, '\u0001'.repeat(MAX_BATCH_BODY_BYTES));

    expect(res.status).toBe(204);
    expect(eventBytes).toHaveLength(1);
    expect(eventBytes[0]).toBeGreaterThan(6 * MAX_BATCH_BODY_BYTES);
    expect(eventBytes[0]).toBeLessThanOrEqual(LAMBDA_EVENT_LIMIT_BYTES);
  });

  it('answers 500 without invoking the function when the event passes 6 MB', async () => {
    const { url, eventBytes } = await serve();

    const res = await post(url, '\u0001'.repeat(1_100_000));

    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
    expect(eventBytes).toEqual([]);
  });
});
