import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../helpers/poll.js';
import { startTestServer, type TestServer } from '../integration/tasks/testServer.js';
import { type CliHarness, runCli, startCliHarness } from './cliHarness.js';

interface RedriveReport {
  moved: number;
  queues: {
    queue: string;
    moved: number;
    requeued: number;
    left: number;
    reasons: Record<string, number>;
  }[];
}

// Operator commands of the `taskpipe` binary: redrive, and the demo.
describe('taskpipe CLI operations', () => {
  let cli: CliHarness;
  let hook: TestServer;

  beforeAll(async () => {
    [cli, hook] = await Promise.all([startCliHarness(), startTestServer()]);
  });
  afterAll(async () => {
    await Promise.all([cli?.stop(), hook?.close()]);
  });

  const route = (priority: string) =>
    cli.pipeline.info.queues.find((q) => q.priority === priority)!;

  it('redrives a failed task back to QUEUED and empties the DLQ', async () => {
    const { dlqUrl } = route('default');
    hook.respond((_req, res) => res.writeHead(400).end('{"error":"bad order"}'));
    const { taskId } = await cli.json<{ taskId: string }>(
      'enqueue',
      'http.post',
      '--payload',
      JSON.stringify({ url: `${hook.url}/orders`, body: { order: 1 } }),
    );
    await pollUntil(
      () => cli.store.get(taskId),
      (t) => t?.status === 'FAILED',
      { what: 'task FAILED' },
    );
    await pollUntil(
      () => cli.depth(dlqUrl),
      (n) => n === 1,
      { what: 'DLQ copy' },
    );

    hook.respond((_req, res) => res.writeHead(200).end('{"ok":true}'));
    const report = await cli.json<RedriveReport>('redrive', '--queue', 'default');
    expect(report.moved).toBe(1);
    expect(report.queues).toEqual([
      {
        queue: 'default',
        moved: 1,
        requeued: 1,
        withoutStatus: 0,
        left: 0,
        notDeleted: 0,
        reasons: {},
      },
    ]);
    // Requeued (FAILED → QUEUED) and run again: a second attempt, which now succeeds.
    const done = await pollUntil(
      () => cli.store.get(taskId),
      (t) => t?.status === 'SUCCEEDED',
      { what: 'task SUCCEEDED after redrive' },
    );
    expect(done?.attempts).toBe(2);
    expect(await cli.depth(dlqUrl)).toBe(0);
  });

  it('redrives a failed task that was sent straight to SQS, with no stored payload', async () => {
    const { url, dlqUrl } = route('low');
    hook.respond((_req, res) => res.writeHead(400).end('{"error":"bad order"}'));
    const envelope = {
      v: 1,
      id: `direct-${Date.now()}`,
      type: 'http.post',
      payload: { url: `${hook.url}/orders`, body: { order: 2 } },
      priority: 'low',
      enqueuedAt: new Date().toISOString(),
    };
    await cli.pipeline.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(envelope) }),
    );
    await pollUntil(
      () => cli.depth(dlqUrl),
      (n) => n === 1,
      { what: 'DLQ copy' },
    );
    expect((await cli.store.get(envelope.id))?.status).toBe('FAILED');

    hook.respond((_req, res) => res.writeHead(200).end('{"ok":true}'));
    const report = await cli.json<RedriveReport>('redrive', '--queue', 'low');
    expect(report.queues[0]).toMatchObject({ moved: 1, requeued: 1, left: 0 });
    const done = await pollUntil(
      () => cli.store.get(envelope.id),
      (t) => t?.status === 'SUCCEEDED',
      { what: 'direct task SUCCEEDED after redrive' },
    );
    expect(done?.attempts).toBe(2);
    expect(await cli.depth(dlqUrl)).toBe(0);
  });

  it('redrives a copy SQS dead-lettered while its task was still RETRYING', async () => {
    const { dlqUrl } = route('high');
    hook.respond((_req, res) => res.writeHead(200).end('{"ok":true}'));
    const envelope = {
      v: 1,
      id: `retrying-${Date.now()}`,
      type: 'http.post',
      payload: { url: `${hook.url}/orders`, body: { order: 3 } },
      priority: 'high',
      enqueuedAt: new Date().toISOString(),
    };
    // As after maxReceiveCount: the row says RETRYING, the only copy is on the DLQ.
    await cli.store.claim({
      id: envelope.id,
      type: envelope.type,
      priority: 'high',
      maxAttempts: 5,
      enqueuedAt: Date.now(),
      leaseUntil: Date.now() + 60_000,
    });
    await cli.store.markRetrying(envelope.id, 1, { code: 'retryable', message: 'x' }, Date.now());
    await cli.pipeline.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: JSON.stringify(envelope) }),
    );

    const report = await cli.json<RedriveReport>('redrive', '--queue', 'high');

    expect(report.queues[0]).toMatchObject({ moved: 1, requeued: 1, withoutStatus: 1, left: 0 });
    const done = await pollUntil(
      () => cli.store.get(envelope.id),
      (t) => t?.status === 'SUCCEEDED',
      { what: 'RETRYING task SUCCEEDED after redrive' },
    );
    expect(done?.attempts).toBe(2);
    expect(await cli.depth(dlqUrl)).toBe(0);
  });

  it('leaves a poison message in the DLQ unless --include-poison is given', async () => {
    const { url, dlqUrl } = route('high');
    await cli.pipeline.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: url, MessageBody: 'not an envelope' }),
    );
    await pollUntil(
      () => cli.depth(dlqUrl),
      (n) => n === 1,
      { what: 'poison in the DLQ' },
    );

    const left = await cli.json<RedriveReport>('redrive', '--queue', 'high');
    expect(left.moved).toBe(0);
    expect(left.queues[0]).toMatchObject({ left: 1, reasons: { poison: 1 } });
    expect(await cli.depth(dlqUrl)).toBe(1);

    const moved = await cli.json<RedriveReport>('redrive', '--queue', 'high', '--include-poison');
    expect(moved.queues[0]).toMatchObject({ moved: 1, requeued: 0, left: 0 });
  });

  it('runs the demo end to end in its own pipeline and sums up', async () => {
    const out = await runCli(
      ['demo', '--tasks', '100', '--json', '--state-file', join(cli.dir, 'none.json')],
      {},
      120_000,
    );
    expect(out.code, out.stderr).toBe(0);
    const summary = JSON.parse(out.stdout) as {
      alarms: string[];
      enqueued: number;
      byStatus: Record<string, number>;
      poison: { sent: number; deadLettered: number };
      deadLetters: { total: number; byReason: Record<string, number> };
      latencyMs: { p50?: number; p99?: number };
      timedOut: boolean;
    };
    const counted = Object.values(summary.byStatus).reduce((a, b) => a + b, 0);
    expect(summary.enqueued).toBe(100);
    expect(counted + summary.poison.sent).toBe(101);
    expect(summary.byStatus.SUCCEEDED! + summary.byStatus.FAILED!).toBe(100);
    expect(summary.timedOut).toBe(false);
    // The DLQ copies raise the local DLQ alarm, shown after the summary.
    expect(summary.alarms.join('\n')).toContain(
      'taskpipe-default-dlq-not-empty: INSUFFICIENT_DATA → ALARM',
    );
    // Every FAILED task and the poison message left a copy in a DLQ, with its reason.
    expect(summary.poison.deadLettered).toBe(1);
    expect(summary.deadLetters.byReason.poison).toBe(1);
    expect(summary.deadLetters.total).toBe(summary.byStatus.FAILED! + 1);
    expect(summary.latencyMs.p50).toBeTypeOf('number');
  });

  it('refuses --stack for the demo with a usage error', async () => {
    const out = await cli.run('demo', '--stack', 'TaskpipeStateful');
    expect(out.code).toBe(2);
  });
});
