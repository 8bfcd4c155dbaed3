import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry as appRegistry } from '../../functions/tasks/index.js';
import { pollUntil } from '../helpers/poll.js';
import { API_CASES } from './apiInputs.js';
import { HostileHarness } from './hostileHarness.js';

// Hostile requests to the HTTP API of a local pipeline: each gets its status and error
// code, echoes nothing dangerous, and leaves no status row and no message behind.
describe('hostile input: HTTP API', () => {
  let h: HostileHarness;

  beforeAll(async () => {
    h = await HostileHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(API_CASES)('$name → $status $code, nothing recorded or sent', async (c) => {
    const before = await h.sideEffects();

    const res = await h.api(c.method, c.path, c.body, {
      'content-type': c.contentType ?? 'application/json',
    });

    expect(res.status).toBe(c.status);
    expect(res.json?.error).toMatchObject({ code: c.code });
    if (c.notEchoed) expect(res.text).not.toContain(c.notEchoed);
    expect(await h.sideEffects()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the known types for an unknown one', async () => {
    const res = await h.api('POST', '/tasks', { type: 'no.such.type', payload: {} });

    expect(res.json?.error).toMatchObject({
      details: { knownTypes: [...appRegistry.types] },
    });
  });

  it('answers an oversized payload with the limit', async () => {
    const payload = { url: 'http://127.0.0.1:9/x', body: 'x'.repeat(262_145) };
    const res = await h.api('POST', '/tasks', { type: 'http.post', payload });

    expect(res.json?.error).toMatchObject({ details: { limitBytes: 262_144 } });
  });

  it('lists the zod issues of a payload that fails its schema', async () => {
    const res = await h.api('POST', '/tasks', { type: 'noop', payload: { sleepMs: '5' } });

    expect(res.json?.error).toMatchObject({
      details: { issues: [{ path: ['sleepMs'], code: 'invalid_type' }] },
    });
  });

  it('answers a partly failing batch per entry and records only the valid entry', async () => {
    const before = await h.sideEffects();

    const res = await h.api('POST', '/tasks/batch', {
      tasks: [
        { type: 'noop', payload: {} },
        { type: '<img src=x onerror=alert(1)>', payload: {} },
        { type: 'noop', payload: { sleepMs: '1' } },
        { type: 'noop', payload: { pad: 'x'.repeat(262_145) } },
      ],
    });

    expect(res.status).toBe(200);
    const results = res.json?.results as { index: number; taskId?: string; error?: unknown }[];
    expect(results.map((r) => (r.error as { code?: string } | undefined)?.code)).toEqual([
      undefined,
      'unknown_type',
      'invalid_payload',
      'payload_too_large',
    ]);
    expect(res.text).not.toContain('<img');
    expect(await h.sideEffects()).toEqual({ rows: before.rows + 1, sends: before.sends + 1 });
  });

  it('answers cancel and retry of a finished task with 409 and its state', async () => {
    const queued = await h.api('POST', '/tasks', { type: 'noop', payload: {} });
    const id = queued.json?.taskId as string;
    await pollUntil(
      () => h.api('GET', `/tasks/${id}`),
      (r) => r.json?.status === 'SUCCEEDED',
      { what: 'noop SUCCEEDED' },
    );
    const before = await h.sideEffects();

    const cancel = await h.api('POST', `/tasks/${id}/cancel`);
    const retry = await h.api('POST', `/tasks/${id}/retry`);

    expect(cancel.status).toBe(409);
    expect(cancel.json?.error).toMatchObject({
      code: 'invalid_state',
      details: { status: 'SUCCEEDED' },
    });
    expect(retry.status).toBe(409);
    expect(retry.json?.error).toMatchObject({
      code: 'invalid_state',
      details: { status: 'SUCCEEDED' },
    });
    expect(await h.sideEffects()).toEqual(before);
    expect((await h.api('GET', `/tasks/${id}`)).json?.status).toBe('SUCCEEDED');
  });
});
