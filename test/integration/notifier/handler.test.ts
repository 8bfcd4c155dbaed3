import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dlqAlarmMessage, okAlarmMessage, snsEvent } from '../../unit/notifier/alarmFactory.js';
import { startTestServer, type TestServer } from '../tasks/testServer.js';
import { rejection } from './notifierHarness.js';

// The Lambda entry point end to end: env parsing, the real Secrets Manager client (its
// endpoint pointed at a local server that speaks the GetSecretValue JSON protocol), the
// real fetch, and a webhook on the same server.

let server: TestServer;
let secretReads: string[];

function answerSecrets(secrets: Record<string, object>) {
  server.respond((req: IncomingMessage, res: ServerResponse, body: string) => {
    if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const { SecretId } = JSON.parse(body) as { SecretId: string };
    secretReads.push(SecretId);
    const value = secrets[SecretId];
    const json = { 'content-type': 'application/x-amz-json-1.1' };
    if (!value) {
      res.writeHead(400, json).end(
        JSON.stringify({
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        }),
      );
      return;
    }
    res.writeHead(200, json).end(
      JSON.stringify({
        ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${SecretId}-AbCdEf`,
        Name: SecretId,
        SecretString: JSON.stringify(value),
        VersionId: 'v1',
      }),
    );
  });
}

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'taskpipe-notifier',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:taskpipe-notifier',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/taskpipe-notifier',
    logStreamName: '2026/11/27/[$LATEST]abc',
    getRemainingTimeInMillis: () => 25_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function loadHandler(targets: object[]) {
  vi.stubEnv('TASKPIPE_WEBHOOK_TARGETS', JSON.stringify(targets));
  vi.stubEnv('TASKPIPE_WEBHOOK_TIMEOUT_MS', '2000');
  vi.stubEnv('TASKPIPE_WEBHOOK_MAX_ATTEMPTS', '1');
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', server.url);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.resetModules();
  const { handler } = await import('../../../functions/notifier/handler.js');
  return handler;
}

beforeEach(async () => {
  server = await startTestServer();
  secretReads = [];
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

describe('notifier Lambda handler', () => {
  it('reads the secret once per cold start and posts each alarm', async () => {
    answerSecrets({ 'taskpipe/slack': { url: `${server.url}/services/T/B/SECRETPATH` } });
    const handler = await loadHandler([
      { name: 'ops-slack', kind: 'slack', secretName: 'taskpipe/slack' },
    ]);

    await handler(snsEvent(dlqAlarmMessage()), lambdaContext());
    await handler(snsEvent(okAlarmMessage()), lambdaContext());

    expect(secretReads).toEqual(['taskpipe/slack']);
    const posts = server.seen.filter((r) => r.path === '/services/T/B/SECRETPATH');
    expect(posts.map((p) => JSON.parse(p.body).text)).toEqual([
      '🔴 ALARM: taskpipe-prod-dlq-default-not-empty',
      '🟢 OK: taskpipe-prod-dlq-default-not-empty',
    ]);
  });

  it('throws naming the target and the missing secret, after delivering to the others', async () => {
    answerSecrets({ 'taskpipe/discord': { url: `${server.url}/discord` } });
    const handler = await loadHandler([
      { name: 'ops-slack', kind: 'slack', secretName: 'taskpipe/missing' },
      { name: 'ops-discord', kind: 'discord', secretName: 'taskpipe/discord' },
    ]);

    const error = await rejection(handler(snsEvent(dlqAlarmMessage()), lambdaContext()));

    expect(error.name).toBe('NotificationFailedError');
    expect(error.message).toContain('ops-slack');
    expect(error.message).toContain('webhook secret "taskpipe/missing" does not exist');
    expect(server.seen.filter((r) => r.path === '/discord')).toHaveLength(1);
  });

  it('refuses to start without targets', async () => {
    vi.stubEnv('TASKPIPE_WEBHOOK_TARGETS', '');
    vi.resetModules();

    const error = await rejection(import('../../../functions/notifier/handler.js'));

    expect(error.message).toContain('invalid notifier environment');
  });
});
