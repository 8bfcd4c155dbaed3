import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../functions/tasks/index.js';
import { writeLocalState } from '../../local/stateFile.js';
import { pollUntil } from '../helpers/poll.js';
import { unusedPort } from '../integration/tasks/testServer.js';
import { type CliHarness, cliLines, runCli, startCliHarness } from './cliHarness.js';

interface Enqueued {
  taskId: string;
  status: string;
  deduplicated: boolean;
}

// The `taskpipe` binary as a user runs it, against a local pipeline started here.
describe('taskpipe CLI', () => {
  let cli: CliHarness;

  beforeAll(async () => {
    cli = await startCliHarness();
  });
  afterAll(async () => {
    await cli?.stop();
  });

  const until = (id: string, status: string) =>
    pollUntil(
      () => cli.store.get(id),
      (t) => t?.status === status,
      { what: `task ${id} ${status}` },
    );

  it('prints its commands and exit codes with --help', async () => {
    const out = await runCli(['--help']);
    expect(out.code).toBe(0);
    for (const command of [
      'enqueue',
      'status',
      'list',
      'retry',
      'cancel',
      'watch',
      'stats',
      'redrive',
      'demo',
    ]) {
      expect(out.stdout).toContain(command);
    }
    expect(out.stdout).toContain('5  unreachable');
  });

  it('enqueues a task and shows it SUCCEEDED', async () => {
    const queued = await cli.json<Enqueued>('enqueue', 'noop', '--payload', '{"sleepMs":5}');
    expect(queued).toMatchObject({ status: 'QUEUED', deduplicated: false });
    await until(queued.taskId, 'SUCCEEDED');

    const status = await cli.json<{ id: string; status: string; result: unknown }>(
      'status',
      queued.taskId,
    );
    expect(status).toMatchObject({
      id: queued.taskId,
      status: 'SUCCEEDED',
      result: { sleptMs: 5 },
    });
    const human = await cli.run('status', queued.taskId);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/status\s+SUCCEEDED/);
  });

  it('reads a payload from a file and deduplicates by idempotency key', async () => {
    const file = join(cli.dir, 'lines.json');
    await writeFile(file, JSON.stringify({ lines: ['2026-01-01T00:00:00Z ERROR boom'] }));
    const args = ['enqueue', 'logs.summarize', '--payload', `@${file}`, '--idempotency-key', 'k-1'];
    const first = await cli.json<Enqueued>(...args);
    const second = await cli.json<Enqueued>(...args);
    expect(second).toMatchObject({ taskId: first.taskId, deduplicated: true });
    // Found again by its type and key, as the user enqueued it.
    const byKey = await cli.json<{ id: string }>(
      'status',
      '--key',
      'k-1',
      '--type',
      'logs.summarize',
    );
    expect(byKey.id).toBe(first.taskId);
    const unknown = await cli.run('status', '--key', 'k-none', '--type', 'logs.summarize');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/not found|no task/i);
    const half = await cli.run('status', '--key', 'k-1');
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('give a task id, or both --key <key> and --type <type>');
  });

  it('exits 2 on usage errors: an unknown type, a payload that is not JSON, a bad option', async () => {
    const [unknown, notJson, badOption] = await Promise.all([
      cli.run('enqueue', 'mail.nope'),
      cli.run('enqueue', 'noop', '--payload', '{nope'),
      cli.run('list', '--status', 'NOPE'),
    ]);
    expect(unknown.code).toBe(2);
    expect(cliLines(unknown.stderr)).toEqual([
      `taskpipe: unknown task type "mail.nope"; known types: ${registry.types.join(', ')}`,
    ]);
    expect(notJson.code).toBe(2);
    expect(cliLines(notJson.stderr)[0]).toContain('--payload is not JSON');
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("argument 'NOPE' is invalid");
  });

  it('lists tasks with filters, as a table and as JSON', async () => {
    const delayed = await cli.json<Enqueued>(
      'enqueue',
      'noop',
      '--delay',
      '300',
      '--priority',
      'low',
    );
    const [page, one, table] = await Promise.all([
      cli.json<{ tasks: { id: string; status: string; type: string }[] }>(
        'list',
        '--status',
        'QUEUED',
        '--type',
        'noop',
      ),
      cli.json<{ tasks: unknown[]; nextCursor?: string }>('list', '--limit', '1'),
      cli.run('list', '--status', 'QUEUED'),
    ]);
    expect(page.tasks.map((t) => t.id)).toContain(delayed.taskId);
    expect(page.tasks.every((t) => t.status === 'QUEUED' && t.type === 'noop')).toBe(true);
    expect(one.tasks).toHaveLength(1);
    expect(one.nextCursor).toBeDefined();
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+TYPE\s+STATUS/);
    expect(table.stdout).toContain(delayed.taskId);
  });

  it('cancels a queued task; cancel and retry in the wrong state exit 4, unknown ids exit 3', async () => {
    const delayed = await cli.json<Enqueued>('enqueue', 'noop', '--delay', '300');
    const cancelled = await cli.json<{ status: string }>('cancel', delayed.taskId);
    expect(cancelled.status).toBe('CANCELLED');

    const [again, retry, ...missing] = await Promise.all([
      cli.run('cancel', delayed.taskId),
      cli.run('retry', delayed.taskId),
      cli.run('status', 'no-such-task'),
      cli.run('cancel', 'no-such-task'),
    ]);
    expect(again.code).toBe(4);
    expect(cliLines(again.stderr)).toEqual([
      'taskpipe: cannot cancel a task that is CANCELLED; only SCHEDULED, QUEUED or RETRYING tasks, or a RUNNING chain step (its chain stops)',
    ]);
    expect(retry.code).toBe(4);
    for (const out of missing) {
      expect(out.code).toBe(3);
      expect(cliLines(out.stderr)).toEqual(['taskpipe: no task with id no-such-task']);
    }
  });

  it('shows stats and one watch sample', async () => {
    const [stats, human, watch] = await Promise.all([
      cli.json<{
        total: number;
        byStatus: Record<string, number>;
        byType: Record<string, { total: number }>;
        durationMs: { p50?: number };
        queues: { priority: string }[];
      }>('stats'),
      cli.run('stats'),
      cli.json<{ total: number; finishedPerSecond: number }>('watch', '--once'),
    ]);
    expect(stats.total).toBe(Object.values(stats.byStatus).reduce((a, b) => a + b, 0));
    expect(stats.byStatus.SUCCEEDED).toBeGreaterThanOrEqual(1);
    expect(stats.byType.noop!.total).toBeGreaterThanOrEqual(1);
    expect(stats.durationMs.p50).toBeTypeOf('number');
    expect(stats.queues.map((q) => q.priority)).toEqual(['high', 'default', 'low']);
    expect(human.stdout).toContain('failure rate');
    expect(watch.total).toBe(stats.total);
    expect(watch.finishedPerSecond).toBeGreaterThanOrEqual(0);
  });

  it('says in one line, exit 5, when there is no local runtime', async () => {
    const missing = await runCli(['list'], { TASKPIPE_STATE_FILE: join(cli.dir, 'absent.json') });
    expect(missing.code).toBe(5);
    expect(cliLines(missing.stderr)).toHaveLength(1);
    expect(missing.stderr).toContain('npm start');

    const stale = join(cli.dir, 'stale.json');
    const port = await unusedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    await writeLocalState(
      { ...cli.pipeline.info, sqsEndpoint: endpoint, dynamodbEndpoint: endpoint },
      stale,
    );
    const down = await runCli(['status', 'x', '--state-file', stale]);
    expect(down.code).toBe(5);
    expect(cliLines(down.stderr)).toEqual([expect.stringContaining(endpoint)]);
    expect(down.stderr).not.toMatch(/\n\s+at /);
  });
});
