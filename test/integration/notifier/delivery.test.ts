import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NotificationFailedError,
  WebhookDeliveryError,
  WebhookSecretError,
} from '../../../functions/notifier/errors.js';
import type { WebhookTarget } from '../../../functions/notifier/Notifier.js';
import { dlqAlarmMessage, okAlarmMessage, snsEvent } from '../../unit/notifier/alarmFactory.js';
import { startTestServer, type TestServer } from '../tasks/testServer.js';
import { rejection, testNotifier } from './notifierHarness.js';

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  await server.close();
});

const slack: WebhookTarget = { name: 'ops-slack', kind: 'slack', secretName: 'taskpipe/slack' };
const event = () => snsEvent(dlqAlarmMessage());
// The path stands for the credential a real webhook URL carries.
const hookUrl = () => `${server.url}/services/T000/B000/XXXXVERYSECRET`;

function failedTargets(error: Error) {
  expect(error).toBeInstanceOf(NotificationFailedError);
  return (error as NotificationFailedError).failures;
}

describe('notifier delivery over HTTP', () => {
  it('posts the formatted alarm once on 200', async () => {
    server.respond((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    const { notifier, sleeps, logs } = testNotifier([slack], {
      'taskpipe/slack': { url: hookUrl() },
    });

    const [report] = await notifier.handle(event());

    expect(report).toEqual({
      alarm: 'taskpipe-prod-dlq-default-not-empty',
      state: 'ALARM',
      delivered: [{ target: 'ops-slack', kind: 'slack', status: 200, attempts: 1 }],
    });
    expect(server.seen).toHaveLength(1);
    const [request] = server.seen;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/services/T000/B000/XXXXVERYSECRET');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request?.body ?? '').blocks[0].text.text).toBe(
      '🔴 ALARM: taskpipe-prod-dlq-default-not-empty',
    );
    expect(sleeps).toEqual([]);
    expect(logs.join('\n')).not.toContain('XXXXVERYSECRET');
  });

  it('retries a 500 after the backoff, then succeeds', async () => {
    let calls = 0;
    server.respond((_req, res) => res.writeHead(++calls === 1 ? 500 : 200).end());
    const { notifier, sleeps } = testNotifier([slack], { 'taskpipe/slack': { url: hookUrl() } });

    const [report] = await notifier.handle(event());

    expect(report?.delivered[0]).toMatchObject({ status: 200, attempts: 2 });
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]?.body).toBe(server.seen[0]?.body);
    expect(sleeps).toEqual([500]);
  });

  it("honours a 429's Retry-After instead of the backoff", async () => {
    let calls = 0;
    server.respond((_req, res) =>
      ++calls === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(204).end(),
    );
    const { notifier, sleeps } = testNotifier([slack], { 'taskpipe/slack': { url: hookUrl() } });

    const [report] = await notifier.handle(event());

    expect(server.seen).toHaveLength(2);
    expect(report?.delivered[0]).toMatchObject({ status: 204, attempts: 2 });
    expect(sleeps).toEqual([1000]);
  });

  it('bounds a long Retry-After', async () => {
    let calls = 0;
    server.respond((_req, res) =>
      ++calls === 1
        ? res.writeHead(429, { 'retry-after': '3600' }).end()
        : res.writeHead(200).end(),
    );
    const { notifier, sleeps } = testNotifier(
      [slack],
      { 'taskpipe/slack': { url: hookUrl() } },
      {
        delivery: { maxRetryAfterMs: 7_000 },
      },
    );

    await notifier.handle(event());

    expect(sleeps).toEqual([7_000]);
  });

  it('gives up at once when the Retry-After would outlast the invocation', async () => {
    server.respond((_req, res) => res.writeHead(429, { 'retry-after': '5' }).end());
    const { notifier, sleeps } = testNotifier([slack], { 'taskpipe/slack': { url: hookUrl() } });

    const error = await rejection(notifier.handle(event(), { remainingTimeMs: 3_000 }));

    expect(failedTargets(error)[0]?.error.message).toContain('no time left to retry');
    expect(server.seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('times out a webhook that never answers, retries, and reports it', async () => {
    server.respond(() => {
      // Never answers.
    });
    const { notifier, sleeps } = testNotifier(
      [slack],
      { 'taskpipe/slack': { url: hookUrl() } },
      {
        // Long enough for each attempt to reach the server on a loaded machine.
        delivery: { timeoutMs: 1_500, maxAttempts: 2 },
      },
    );

    const error = await rejection(notifier.handle(event()));

    const [failure] = failedTargets(error);
    expect(failure?.target).toBe('ops-slack');
    expect(failure?.error).toBeInstanceOf(WebhookDeliveryError);
    expect(failure?.error).toMatchObject({ failure: 'timeout', attempts: 2 });
    expect(server.seen).toHaveLength(2);
    expect(sleeps).toEqual([500]);
    expect(error.message).not.toContain('XXXXVERYSECRET');
  });

  it('fails at once on a 4xx other than 408 and 429', async () => {
    server.respond((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no_service'),
    );
    const { notifier, sleeps } = testNotifier([slack], { 'taskpipe/slack': { url: hookUrl() } });

    const error = await rejection(notifier.handle(event()));

    expect(failedTargets(error)[0]?.error).toMatchObject({
      status: 404,
      attempts: 1,
      retryable: false,
    });
    expect(error.message).toContain('answered 404: no_service');
    expect(server.seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('names a missing secret and sends nothing', async () => {
    const { notifier } = testNotifier([slack], {});

    const error = await rejection(notifier.handle(event()));

    const [failure] = failedTargets(error);
    expect(failure?.error).toBeInstanceOf(WebhookSecretError);
    expect(error.message).toContain('ops-slack');
    expect(error.message).toContain('webhook secret "taskpipe/slack" does not exist');
    expect(server.seen).toHaveLength(0);
  });

  it('delivers to the healthy target and then throws naming the failed one', async () => {
    server.respond((req, res) => res.writeHead(req.url === '/broken' ? 503 : 200).end());
    const targets: WebhookTarget[] = [
      { name: 'broken-teams', kind: 'teams', secretName: 'teams' },
      { name: 'ops-discord', kind: 'discord', secretName: 'discord' },
    ];
    const { notifier } = testNotifier(targets, {
      teams: { url: `${server.url}/broken` },
      discord: { url: `${server.url}/ok` },
    });

    const error = await rejection(notifier.handle(event()));

    expect(failedTargets(error).map((f) => f.target)).toEqual(['broken-teams']);
    expect((error as NotificationFailedError).delivered).toEqual(['ops-discord']);
    expect(error.message).toMatch(
      /not delivered to broken-teams \(teams: .*answered 503.*after 3 attempts\)/,
    );
    expect(error.message).toContain('delivered to ops-discord');
    expect(server.seen.filter((r) => r.path === '/ok')).toHaveLength(1);
    expect(server.seen.filter((r) => r.path === '/broken')).toHaveLength(3);
    expect(
      JSON.parse(server.seen.find((r) => r.path === '/ok')?.body ?? '').allowed_mentions,
    ).toEqual({
      parse: [],
    });
  });

  it('sends an alarm only to the targets that subscribe to it', async () => {
    server.respond((_req, res) => res.writeHead(200).end());
    const name = (JSON.parse(event().Records[0]!.Sns.Message) as { AlarmName: string }).AlarmName;
    const targets: WebhookTarget[] = [
      { name: 'everything', kind: 'generic', secretName: 'all' },
      { name: 'dlq-only', kind: 'generic', secretName: 'dlq', alarmNames: ['some-other-alarm'] },
      { name: 'this-one', kind: 'generic', secretName: 'mine', alarmNames: [name] },
    ];
    const { notifier } = testNotifier(targets, {
      all: { url: `${server.url}/all` },
      dlq: { url: `${server.url}/dlq` },
      mine: { url: `${server.url}/mine` },
    });

    const [report] = await notifier.handle(event());

    expect(report?.delivered.map((d) => d.target)).toEqual(['everything', 'this-one']);
    expect(server.seen.map((r) => r.path).sort()).toEqual(['/all', '/mine']);
  });

  it('sends every record of an event, and nothing when one record is not an alarm', async () => {
    server.respond((_req, res) => res.writeHead(200).end());
    const { notifier } = testNotifier([slack], { 'taskpipe/slack': { url: hookUrl() } });

    const reports = await notifier.handle(snsEvent(dlqAlarmMessage(), okAlarmMessage()));
    const error = await rejection(notifier.handle(snsEvent(dlqAlarmMessage(), 'not json')));

    expect(reports.map((r) => r.state)).toEqual(['ALARM', 'OK']);
    expect(error.name).toBe('AlarmMessageError');
    expect(server.seen).toHaveLength(2);
  });

  it('throws a typed error for a message that is not an alarm, sending nothing', async () => {
    const { notifier } = testNotifier([slack], { 'taskpipe/slack': { url: hookUrl() } });

    const error = await rejection(notifier.handle(snsEvent({ hello: 'world' })));

    expect(error.name).toBe('AlarmMessageError');
    expect(error.message).toContain('AlarmName');
    expect(server.seen).toHaveLength(0);
  });
});
