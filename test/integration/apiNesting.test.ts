import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_DEPTH } from '../../functions/core/nesting.js';
import { apiEvent } from '../helpers/apiEvents.js';
import { buildApi, taskCount } from '../helpers/apiHarness.js';
import { type Backend, startEmulators } from '../helpers/backends.js';
import { createPipeline, depth, type Pipeline } from '../helpers/consumerHarness.js';
import { testRegistry } from '../helpers/testTasks.js';

/** A `test.spawn` request whose payload nests `levels` objects deep, as raw JSON text. */
const request = (levels: number) =>
  `{"type":"test.spawn","payload":{"n":${'{"a":'.repeat(levels - 1)}1${'}'.repeat(levels - 1)}}}`;

describe('POST /tasks with deeply nested payloads', () => {
  let backend: Backend;
  let p: Pipeline;

  beforeAll(async () => {
    backend = await startEmulators();
  });
  afterAll(async () => backend?.stop());
  beforeEach(async () => {
    p = await createPipeline(backend);
  });

  it(`accepts a payload ${MAX_PAYLOAD_DEPTH} levels deep`, async () => {
    const api = buildApi(p, testRegistry);

    const res = await api.call(apiEvent('POST', '/tasks', { body: request(MAX_PAYLOAD_DEPTH) }));

    expect(res.status).toBe(202);
  });

  it.each([MAX_PAYLOAD_DEPTH + 1, 5_000, 30_000])(
    'refuses a payload %i levels deep with a 400 naming the limit',
    async (levels) => {
      const api = buildApi(p, testRegistry);

      const res = await api.call(apiEvent('POST', '/tasks', { body: request(levels) }));

      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'invalid_payload',
        details: { issues: [{ path: [], code: 'too_deep' }] },
      });
      expect(res.body.error.message).toContain(`at most ${MAX_PAYLOAD_DEPTH} are allowed`);
      expect(await depth(backend.sqs, p.standard.url)).toEqual({ visible: 0, inFlight: 0 });
      expect(await taskCount(p)).toBe(0);
    },
  );
});
