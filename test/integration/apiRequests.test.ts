import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { TaskStoreError } from '../../functions/adapters/dynamodb/TaskStoreError.js';
import { apiEvent } from '../helpers/apiEvents.js';
import { buildApi, taskCount } from '../helpers/apiHarness.js';
import { type Backend, TEST_CREDENTIALS } from '../helpers/backends.js';
import { createPipeline, depth, type Pipeline } from '../helpers/consumerHarness.js';
import { describeOnEachBackend } from '../helpers/eachBackend.js';
import { failingSendClient } from '../helpers/sqsFaults.js';
import { testRegistry } from '../helpers/testTasks.js';

// Request handling common to every route: content type, size, JSON, routing, failures.
describeOnEachBackend('API requests', (current) => {
  let backend: Backend;
  let p: Pipeline;

  beforeAll(async () => {
    backend = current();
  });
  beforeEach(async () => {
    p = await createPipeline(backend);
  });

  async function expectNothingEnqueued() {
    expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
    expect(await taskCount(p)).toBe(0);
  }

  const task = { type: 'test.ok', payload: { n: 1 } };

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['no content type', null],
  ])('answers 415 for %s', async (_label, contentType) => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(apiEvent('POST', '/tasks', { body: task, contentType }));

    expect(res.status).toBe(415);
    expect(res.body.error).toEqual({
      code: 'unsupported_media_type',
      message: 'content-type must be application/json',
    });
    await expectNothingEnqueued();
  });

  it.each([
    ['truncated JSON', '{"type": "test.ok", "payload": {'],
    ['an empty body', ''],
    ['not JSON at all', 'type=test.ok'],
  ])('answers 400 malformed_json for %s', async (_label, body) => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(
      apiEvent('POST', '/tasks', { body, contentType: 'application/json' }),
    );

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
    await expectNothingEnqueued();
  });

  it('answers 400 for JSON that is not an object', async () => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(apiEvent('POST', '/tasks', { body: [task] }));

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_request',
      details: { issues: [{ path: [] }] },
    });
  });

  it('answers 413 naming the limit for a body over it, before parsing', async () => {
    const api = buildApi(p, testRegistry, { maxPayloadBytes: 2_048 });
    const body = JSON.stringify({ ...task, padding: 'x'.repeat(2_048 + 16_384) });

    const res = await api.call(apiEvent('POST', '/tasks', { body, base64: true }));

    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(res.body.error.message).toContain('the limit is 18432 bytes');
    expect(res.body.error.message).toContain('payloads may have 2048 bytes');
    expect(res.body.error.details).toEqual({ bytes: Buffer.byteLength(body), limitBytes: 18_432 });
    await expectNothingEnqueued();
  });

  it('answers 413 for a payload over the limit inside a body under it', async () => {
    const api = buildApi(p, testRegistry, { maxPayloadBytes: 2_048 });
    const payload = { n: 1, note: 'x'.repeat(3_000) };

    const res = await api.call(apiEvent('POST', '/tasks', { body: { type: 'test.ok', payload } }));

    expect(res.status).toBe(413);
    expect(res.body.error.message).toBe(
      `payload is ${JSON.stringify(payload).length} bytes; the limit is 2048 bytes`,
    );
    await expectNothingEnqueued();
  });

  it('answers 404 for an unknown route and 405 for a known path with another method', async () => {
    const api = buildApi(p, testRegistry);

    const unknown = await api.call(apiEvent('GET', '/jobs'));
    const method = await api.call(apiEvent('DELETE', '/tasks/01JABCDEFGHJKMNPQRSTVWXYZ0'));

    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('route_not_found');
    expect(method.status).toBe(405);
    expect(method.body.error.details.allowed).toEqual(['GET']);
  });

  it('rolls the row back and answers 503 when the message cannot be sent', async () => {
    const failing = failingSendClient(backend);
    const api = buildApi(p, testRegistry, { sqs: failing.client });

    const res = await api.call(apiEvent('POST', '/tasks', { body: task }));

    expect(failing.attempts).toHaveLength(1);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('enqueue_failed');
    await expectNothingEnqueued();
  });

  it('rolls back through a transient store error on the delete', async () => {
    const failing = failingSendClient(backend);
    const real = new DynamoTaskStore({ client: backend.dynamodb, tableName: p.tableName });
    let deletes = 0;
    const store = Object.assign(Object.create(real) as DynamoTaskStore, {
      deleteUnclaimed: async (id: string) => {
        deletes++;
        if (deletes === 1) {
          throw new TaskStoreError('deleteUnclaimed', id, new Error('throttled'), {
            retryable: true,
          });
        }
        return real.deleteUnclaimed(id);
      },
    });
    const api = buildApi(p, testRegistry, { sqs: failing.client, store });

    const res = await api.call(apiEvent('POST', '/tasks', { body: task }));

    expect(res.body.error.code).toBe('enqueue_failed');
    expect(deletes).toBe(2);
    await expectNothingEnqueued();
  });

  it('answers 503 without detail when the table cannot be reached', async () => {
    const unreachable = new DynamoDBClient({
      region: backend.region,
      endpoint: 'http://127.0.0.1:9',
      credentials: { ...TEST_CREDENTIALS },
      maxAttempts: 1,
    });
    const store = new DynamoTaskStore({ client: unreachable, tableName: p.tableName });
    const api = buildApi(p, testRegistry, { store });

    const res = await api.call(apiEvent('POST', '/tasks', { body: task }));

    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({
      code: 'unavailable',
      message: 'a backing service is unavailable; try again',
    });
    await expectNothingEnqueued();
  });

  it('answers 500 with a generic error for a non-retryable store failure', async () => {
    const store = new DynamoTaskStore({ client: backend.dynamodb, tableName: 'no-such-table' });
    const api = buildApi(p, testRegistry, { store });

    const res = await api.call(apiEvent('GET', '/tasks/01JABCDEFGHJKMNPQRSTVWXYZ0'));

    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({ code: 'internal', message: 'internal error' });
  });
});
