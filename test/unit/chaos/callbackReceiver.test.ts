import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CallbackReceiver } from '../../../chaos/CallbackReceiver.js';
import { FaultLog } from '../../../chaos/faults.js';
import { verify } from '../../../chaos/verifyCallback.js';

const KEY = 'k'.repeat(43);
const sign = (body: string, timestamp: number, key = KEY) => ({
  'x-taskpipe-timestamp': String(timestamp),
  'x-taskpipe-signature': `sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`,
});
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("the chaos run's verification code", () => {
  it('is the code docs/callbacks.md prints', () => {
    const docs = readFileSync(new URL('../../../docs/callbacks.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(docs)?.[1];
    const source = readFileSync(
      new URL('../../../chaos/verifyCallback.ts', import.meta.url),
      'utf8',
    );
    const code = source.replace(/^\/\/.*\n/gm, '');

    expect(block).toBeDefined();
    expect(code).toBe(block);
  });

  it('accepts a fresh signed body, refuses a changed body, a wrong key and an old timestamp', () => {
    const body = '{"kind":"task"}';
    const at = nowSeconds();
    const ok = sign(body, at);
    const old = sign(body, at - 301);

    expect(verify(KEY, body, ok['x-taskpipe-timestamp'], ok['x-taskpipe-signature'])).toBe(true);
    expect(verify(KEY, `${body} `, ok['x-taskpipe-timestamp'], ok['x-taskpipe-signature'])).toBe(
      false,
    );
    expect(verify('other', body, ok['x-taskpipe-timestamp'], ok['x-taskpipe-signature'])).toBe(
      false,
    );
    expect(verify(KEY, body, old['x-taskpipe-timestamp'], old['x-taskpipe-signature'])).toBe(false);
    expect(verify(KEY, body, ok['x-taskpipe-timestamp'], 'sha256=00')).toBe(false);
  });
});

describe('the callback receiver', () => {
  let receiver: CallbackReceiver | undefined;
  afterEach(async () => receiver?.close());

  const post = (body: object, headers: Record<string, string>) =>
    fetch(receiver!.url, { method: 'POST', body: JSON.stringify(body), headers });

  it('refuses connections, comes back after three refusals, answers 503 four times, then 200', async () => {
    const faults = new FaultLog();
    const errors: unknown[] = [];
    receiver = new CallbackReceiver(faults, (e) => errors.push(e));
    await receiver.reserve();
    receiver.useKey(KEY);
    const body = { kind: 'task', taskId: 't1', status: 'SUCCEEDED' };

    const refused = await post(body, {}).catch((e: Error) => (e.cause as { code?: string }).code);
    expect(refused).toBe('ECONNREFUSED');
    await receiver.refused(receiver.url, 'k1');
    await receiver.refused('http://127.0.0.1:1/elsewhere', 'k1');
    await receiver.refused(receiver.url, 'k1');
    await receiver.refused(receiver.url, 'k1');

    const answers: number[] = [];
    for (let i = 0; i < 5; i++)
      answers.push((await post(body, sign(JSON.stringify(body), nowSeconds()))).status);
    expect(answers).toEqual([503, 503, 503, 503, 200]);
    expect(receiver.refusals).toBe(3);
    expect(faults.tallies.get('callback-down')?.injected).toBe(7);
    expect(receiver.received.at(-1)).toEqual({
      answered: 200,
      valid: true,
      kind: 'task',
      ownerId: 't1',
      status: 'SUCCEEDED',
    });
    expect(errors).toEqual([]);
  });

  it('answers 401 to a bad signature and records it, whatever the phase', async () => {
    receiver = new CallbackReceiver(new FaultLog(), () => undefined);
    await receiver.reserve();
    receiver.useKey(KEY);
    for (let i = 0; i < 3; i++) await receiver.refused(receiver.url, 'k1');
    const body = { kind: 'group', groupId: 'g1', status: 'SUCCEEDED' };

    const res = await post(body, sign(JSON.stringify(body), nowSeconds(), 'wrong key'));

    expect(res.status).toBe(401);
    expect(receiver.received).toEqual([
      { answered: 401, valid: false, kind: 'group', ownerId: 'g1', status: 'SUCCEEDED' },
    ]);
  });

  it('records a body that is not JSON with no owner', async () => {
    receiver = new CallbackReceiver(new FaultLog(), () => undefined);
    await receiver.reserve();
    receiver.useKey(KEY);
    for (let i = 0; i < 3; i++) await receiver.refused(receiver.url, 'k1');

    const res = await fetch(receiver.url, { method: 'POST', body: 'not json' });

    expect(res.status).toBe(401);
    expect(receiver.received).toEqual([{ answered: 401, valid: false }]);
  });
});
