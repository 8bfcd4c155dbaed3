import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotificationFailedError } from '../../../functions/notifier/errors.js';
import { dlqAlarmMessage, snsEvent } from '../../unit/notifier/alarmFactory.js';
import { startTestServer, type TestServer } from '../tasks/testServer.js';
import { rejection, testNotifier } from './notifierHarness.js';

// Signatures of SECRET at NOW, computed with Python's hmac/hashlib/base64; the commands
// are in test/unit/notifier/sign.test.ts.
const SECRET = 'SEC-test-0123456789abcdef';
const NOW = 1795773660123;
const FEISHU_SIGN = '73bryWAISDEoZNybZ5DAP1hRBGXE5Br445aelv3iPNA=';
const DINGTALK_SIGN = 'IrZdlDll8ptarfGDZn/MP92Etb15eVtVbl03BZN8j3U=';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await server.close();
});

describe('signed targets over HTTP', () => {
  it('sends Feishu timestamp and sign in the body', async () => {
    server.respond((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"msg":"success"}'),
    );
    const { notifier } = testNotifier(
      [{ name: 'feishu', kind: 'feishu', secretName: 'f' }],
      { f: { url: `${server.url}/open-apis/bot/v2/hook/abc`, secret: SECRET } },
      { now: () => NOW },
    );

    await notifier.handle(snsEvent(dlqAlarmMessage()));

    const body = JSON.parse(server.seen[0]?.body ?? '');
    expect(body).toMatchObject({
      msg_type: 'interactive',
      timestamp: '1795773660',
      sign: FEISHU_SIGN,
    });
    expect(body.card.header.template).toBe('red');
  });

  it('sends DingTalk timestamp and the encoded sign in the query', async () => {
    server.respond((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}'),
    );
    const { notifier } = testNotifier(
      [{ name: 'dingtalk', kind: 'dingtalk', secretName: 'd' }],
      { d: { url: `${server.url}/robot/send?access_token=tok`, secret: SECRET } },
      { now: () => NOW },
    );

    await notifier.handle(snsEvent(dlqAlarmMessage()));

    const url = new URL(server.seen[0]?.path ?? '', server.url);
    expect(url.searchParams.get('access_token')).toBe('tok');
    expect(url.searchParams.get('timestamp')).toBe(String(NOW));
    expect(url.searchParams.get('sign')).toBe(DINGTALK_SIGN);
    expect(server.seen[0]?.path).toContain('sign=IrZdlDll8ptarfGDZn%2FMP92Etb15eVtVbl03BZN8j3U%3D');
  });

  it('treats a 200 whose body reports a signature error as a failure, without retrying', async () => {
    server.respond((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}',
        ),
    );
    const { notifier, sleeps } = testNotifier(
      [{ name: 'feishu', kind: 'feishu', secretName: 'f' }],
      { f: { url: `${server.url}/hook`, secret: 'wrong' } },
    );

    const error = await rejection(notifier.handle(snsEvent(dlqAlarmMessage())));

    expect(error).toBeInstanceOf(NotificationFailedError);
    expect(error.message).toContain('refused the message: code 19021 (sign match fail');
    expect(server.seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('sends the generic body with its dedupe key and signature headers', async () => {
    server.respond((_req, res) => res.writeHead(202).end());
    const { notifier } = testNotifier(
      [{ name: 'hook', kind: 'generic', secretName: 'g' }],
      { g: { url: `${server.url}/alarms`, secret: SECRET } },
      { now: () => NOW },
    );

    await notifier.handle(snsEvent(dlqAlarmMessage()));

    const [request] = server.seen;
    const body = JSON.parse(request?.body ?? '');
    expect(body).toMatchObject({
      source: 'taskpipe',
      version: 1,
      name: 'taskpipe-prod-dlq-default-not-empty',
    });
    expect(request?.headers['idempotency-key']).toBe(body.dedupeKey);
    expect(request?.headers['x-taskpipe-timestamp']).toBe('1795773660');
    expect(request?.headers['x-taskpipe-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});
