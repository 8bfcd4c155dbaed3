import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { writeLocalState } from '../../local/stateFile.js';
import { receive } from '../helpers/consumerHarness.js';
import { pollUntil } from '../helpers/poll.js';
import { deferred } from '../helpers/testTasks.js';
import { runCli } from './cliHarness.js';

interface Notice {
  source: string;
  name: string;
  state: string;
  previousState: string;
  runbook?: string;
}

// The alarm path as a user sees it: a task fails into the DLQ, the DLQ alarm reaches the
// webhook; a redrive empties the DLQ, and the OK notice follows.
describe('local alarms end to end', () => {
  let pipeline: LocalPipeline;
  let server: Server;
  let base: string;
  let taskStatus = 400;
  let stateFile: string;
  const notices: Notice[] = [];
  let nextNotice = deferred<Notice>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/alarms') {
          const notice = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Notice;
          notices.push(notice);
          nextNotice.resolve(notice);
          res.writeHead(200).end();
        } else {
          res.writeHead(taskStatus, { 'content-type': 'application/json' }).end('{}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    pipeline = await LocalPipeline.start({
      ports: { api: 0, sqs: 0, dynamodb: 0 },
      logLevel: 'SILENT',
      // A long period: the test evaluates on demand, so no timer decides the outcome.
      alarms: {
        periodSeconds: 3600,
        webhook: { url: `${base}/alarms`, kind: 'generic' },
        print: () => undefined,
      },
    });
    stateFile = join(await mkdtemp(join(tmpdir(), 'taskpipe-alarms-')), 'local.json');
    await writeLocalState(pipeline.info, stateFile);
  });
  afterAll(async () => {
    await pipeline?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const task = async (id: string) =>
    (await (await fetch(`${pipeline.info.apiUrl}/tasks/${id}`)).json()) as { status: string };

  it('announces the DLQ alarm, then its recovery after a redrive', async () => {
    const res = await fetch(`${pipeline.info.apiUrl}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'http.post', payload: { url: `${base}/task`, body: {} } }),
    });
    const { taskId } = (await res.json()) as { taskId: string };
    await pollUntil(
      () => task(taskId),
      (t) => t.status === 'FAILED',
      { what: 'task FAILED' },
    );

    await pipeline.alarms!.evaluateNow();
    const alarm = await nextNotice.promise;

    expect(alarm).toMatchObject({
      source: 'taskpipe',
      name: 'taskpipe-default-dlq-not-empty',
      state: 'ALARM',
    });
    expect(alarm.runbook).toContain('npx taskpipe redrive --queue default');

    taskStatus = 200;
    nextNotice = deferred<Notice>();
    const redrive = await runCli(['redrive', '--queue', 'default'], {
      TASKPIPE_STATE_FILE: stateFile,
    });
    expect(redrive.code).toBe(0);
    await pollUntil(
      () => task(taskId),
      (t) => t.status === 'SUCCEEDED',
      { what: 'task SUCCEEDED' },
    );
    await pipeline.alarms!.evaluateNow();
    const recovery = await nextNotice.promise;

    expect(recovery).toMatchObject({
      name: 'taskpipe-default-dlq-not-empty',
      state: 'OK',
      previousState: 'ALARM',
    });
    expect(notices.map((n) => `${n.name}:${n.state}`)).toEqual([
      'taskpipe-default-dlq-not-empty:ALARM',
      'taskpipe-default-dlq-not-empty:OK',
    ]);
  });

  it('raises the DLQ alarm for a poison message sent raw to SQS', async () => {
    nextNotice = deferred<Notice>();
    const q = pipeline.info.queues.find((x) => x.priority === 'default')!;
    await pipeline.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'not a task at all' }),
    );
    await pollUntil(
      () => receive(pipeline.clients.sqs, q.dlqUrl, 10, 0).then((m) => m.length),
      (n) => n > 0,
      { what: 'poison copy on the DLQ' },
    );

    await pipeline.alarms!.evaluateNow();

    expect(await nextNotice.promise).toMatchObject({
      name: 'taskpipe-default-dlq-not-empty',
      state: 'ALARM',
      previousState: 'OK',
    });
  });
});
