import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { pollUntil } from '../helpers/poll.js';
import { deferred } from '../helpers/testTasks.js';
import { type DeadLetter, HostileHarness } from './hostileHarness.js';
import { SQS_CASES } from './sqsInputs.js';

const GOOD = JSON.stringify({
  v: 1,
  id: 'hostile-good',
  type: 'noop',
  payload: {},
  priority: 'default',
  enqueuedAt: new Date().toISOString(),
});

// Hostile bodies straight onto a queue, as any SQS producer could send them: each ends on
// the DLQ with its reason, once; only the FAILED rows the design requires are written; a
// good message among them is unaffected, and the DLQ alarm reaches chat escaped.
describe('hostile input: SQS path', () => {
  let h: HostileHarness;
  let store: DynamoTaskStore;
  let server: Server;
  const notice = deferred<string>();
  const copies: DeadLetter[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        notice.resolve(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack`;
    h = await HostileHarness.start({
      alarms: { periodSeconds: 3600, webhook: { url, kind: 'slack' }, print: () => undefined },
    });
    store = new DynamoTaskStore({
      client: h.dynamodb,
      tableName: h.pipeline.info.tableName,
    });
    for (const c of SQS_CASES) await h.sendRaw(c.body);
    await h.sendRaw(GOOD);
    await pollUntil(
      () => h.depth(h.queue().dlqUrl),
      (n) => n >= SQS_CASES.length,
      { what: 'a DLQ copy of every hostile body' },
    );
    // The alarm reads the DLQ's visible messages: evaluate before reading them off.
    await h.pipeline.alarms!.evaluateNow();
    for (let round = 0; round < 10 && copies.length < SQS_CASES.length; round++) {
      copies.push(...(await h.deadLetters()));
    }
    await pollUntil(
      () => store.get('hostile-good'),
      (t) => t?.status === 'SUCCEEDED',
      { what: 'the good task SUCCEEDED' },
    );
  });
  afterAll(async () => {
    await h?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it.each(SQS_CASES)('$name → DLQ ($reason)', async (c) => {
    const copy = copies.filter((d) => d.body === c.body);

    expect(copy).toHaveLength(1);
    expect(copy[0]?.reason).toBe(c.reason);
    if (c.failedId) {
      expect(copy[0]?.taskId).toBe(c.failedId);
      const row = await store.get(c.failedId);
      expect(row).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(row?.lastError?.details).toMatchObject({ reason: c.reason });
    } else {
      expect(copy[0]?.taskId).toBe('(none)');
    }
  });

  it('writes only the FAILED rows the design requires, and the good task', async () => {
    const required = SQS_CASES.filter((c) => c.failedId).length;

    expect((await h.sideEffects()).rows).toBe(required + 1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('retries none of them: the queue is empty and each body has one DLQ copy', async () => {
    expect(await h.depth(h.queue().url)).toBe(0);
    expect(copies).toHaveLength(SQS_CASES.length);
  });

  it('lists the zod issues on a payload that failed its schema', async () => {
    const row = await store.get('hostile-16');

    expect(row?.lastError).toMatchObject({
      code: 'invalid_payload',
      details: { issues: [{ path: ['sleepMs'], code: 'invalid_type' }] },
    });
  });

  it('sends the DLQ alarm to Slack with no raw markup or mention', async () => {
    const body = await notice.promise;

    expect(body).toContain('dlq-not-empty');
    for (const raw of ['<script>', '<!channel>', '<!here>', '@everyone', '\u202e', '\u200b']) {
      expect(body).not.toContain(raw);
    }
  });
});
