import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../functions/tasks/index.js';
import { writeLocalState } from '../../local/stateFile.js';
import { pollUntil } from '../helpers/poll.js';
import { type CliHarness, cliLines, runCli, startCliHarness } from './cliHarness.js';

interface Enqueued {
  taskId: string;
  status: string;
  priority: string;
}

/** The arguments of a printed `npx taskpipe …` hint, to run them as a user pastes them. */
function hintArgs(stdout: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith('more: '));
  if (!line) throw new Error(`no "more:" hint in:\n${stdout}`);
  const [npx, bin, ...args] = line.slice('more: '.length).split(' ');
  expect([npx, bin]).toEqual(['npx', 'taskpipe']);
  return args;
}

// What a person types and reads: paging hints that work when pasted, forgiving case, honest
// limits, and output that shows what matters.
// Each test runs the CLI several times; on a busy machine one run takes seconds.
describe('taskpipe CLI usability', { timeout: 120_000 }, () => {
  let cli: CliHarness;

  beforeAll(async () => {
    cli = await startCliHarness();
  });
  afterAll(async () => {
    await cli?.stop();
  });

  it('prints a next-page hint that repeats the filters, and explains a cursor used without them', async () => {
    const [a, b, c] = await Promise.all([
      ...[1, 2, 3].map(() => cli.json<Enqueued>('enqueue', 'noop', '--delay', '600')),
      cli.json<Enqueued>(
        'enqueue',
        'logs.summarize',
        '--payload',
        '{"lines":[]}',
        '--delay',
        '600',
      ),
    ]);
    const ids = [a, b, c].map((t) => t!.taskId);

    const first = await cli.run('list', '--status', 'queued', '--type', 'noop', '--limit', '2');
    expect(first.code).toBe(0);
    const args = hintArgs(first.stdout);
    expect(args.slice(0, 6)).toEqual(['list', '--status', 'QUEUED', '--type', 'noop', '--limit']);
    const cursor = args.at(-1)!;

    const [next, bare] = await Promise.all([
      cli.json<{ tasks: { id: string; type: string }[] }>(...args),
      cli.run('list', '--cursor', cursor),
    ]);
    const seen = [...first.stdout.matchAll(/^(\S+)\s+noop\s/gm)].map((m) => m[1]);
    expect(new Set([...seen, ...next.tasks.map((t) => t.id)])).toEqual(new Set(ids));
    expect(bare.code).toBe(2);
    expect(cliLines(bare.stderr)[0]).toContain(
      'issued for status QUEUED and type noop but this query has status (any) and type (any)',
    );
  });

  it('takes enum options in any case', async () => {
    const high = await cli.json<Enqueued>(
      'enqueue',
      'noop',
      '--priority',
      'HIGH',
      '--delay',
      '600',
    );
    const failed = await cli.run('list', '--status', 'failed');
    expect(high.priority).toBe('high');
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/^ID\s+TYPE\s+STATUS/);
  });

  it('refuses values over a limit, unknown types and bad options, naming what is allowed', async () => {
    const [attempts, type, option, limit, payload] = await Promise.all([
      cli.run('enqueue', 'noop', '--max-attempts', '99'),
      cli.run('list', '--type', 'nosuch'),
      cli.run('list', '--bogus'),
      cli.run('list', '--limit', '101'),
      cli.run('enqueue', 'http.post', '--payload', '{"url":"https://example.com"}'),
    ]);
    for (const out of [attempts, type, option, limit, payload]) expect(out.code).toBe(2);
    expect(cliLines(attempts.stderr)[0]).toMatch(
      /maxAttempts: 99 is more than \d+, the most the queues. maxReceiveCount allows/,
    );
    expect(cliLines(type.stderr)).toEqual([
      `taskpipe: unknown task type "nosuch"; known types: ${registry.types.join(', ')}`,
    ]);
    expect(cliLines(option.stderr)).toEqual(["taskpipe: unknown option '--bogus'"]);
    expect(option.stderr).not.toMatch(/^error:/m);
    expect(cliLines(limit.stderr)[0]).toContain('expected an integer from 1 to 100');
    const [message] = cliLines(payload.stderr);
    expect(message).toContain('body: expected string, number, boolean, null, array or object');
    expect(message).not.toContain('Invalid input');
  });

  it('refuses a type the running pipeline does not know, even if the code has it', async () => {
    // A runtime started before logs.summarize was added: its consumer would dead-letter it.
    const older = join(cli.dir, 'older.json');
    await writeLocalState({ ...cli.pipeline.info, taskTypes: ['noop'] }, older);

    const refused = await runCli(['enqueue', 'logs.summarize', '--payload', '{"lines":[]}'], {
      TASKPIPE_STATE_FILE: older,
    });

    expect(refused.code).toBe(2);
    expect(cliLines(refused.stderr)).toEqual([
      'taskpipe: unknown task type "logs.summarize"; known types: noop',
    ]);
  });

  it('refuses an idempotency key reused with another payload, naming the task (exit 4)', async () => {
    const key = ['--idempotency-key', 'invoice-9', '--delay', '600'];
    const first = await cli.json<Enqueued>('enqueue', 'noop', '--payload', '{"sleepMs":1}', ...key);
    const other = await cli.run('enqueue', 'noop', '--payload', '{"sleepMs":2}', ...key);
    expect(other.code).toBe(4);
    expect(cliLines(other.stderr)[0]).toContain(`task ${first.taskId}`);
  });

  it('shows a handler stack in status, the failure time in the FAILED list, no error on successes', async () => {
    const now = Date.now();
    const task = (id: string) => ({
      id,
      type: 'noop',
      priority: 'default',
      maxAttempts: 2,
      enqueuedAt: now,
    });
    const error = {
      code: 'retryable',
      message: 'boom',
      stack: 'Error: boom\n    at handler (/app/tasks/mail.ts:12:5)',
    };
    const [failedId, recoveredId] = [`failed-${now}`, `recovered-${now}`];
    await cli.store.claim({ ...task(failedId), leaseUntil: now + 60_000 });
    await cli.store.finish(failedId, 1, { status: 'FAILED', error });
    await cli.store.claim({ ...task(recoveredId), leaseUntil: now + 60_000 });
    await cli.store.markRetrying(recoveredId, 1, error, now);
    await cli.store.claim({ ...task(recoveredId), leaseUntil: now + 60_000 });
    await cli.store.finish(recoveredId, 2, { status: 'SUCCEEDED', result: null });

    const [status, failures, all] = await Promise.all([
      cli.run('status', failedId),
      cli.run('list', '--status', 'FAILED', '--type', 'noop'),
      cli.run('list', '--type', 'noop', '--limit', '100'),
    ]);
    expect(status.stdout).toContain('error       retryable: boom');
    expect(status.stdout).toMatch(/\nstack\n {2}at handler \(\/app\/tasks\/mail\.ts:12:5\)/);
    const [header, , row] = failures.stdout.split('\n');
    expect(header).toMatch(/FAILED AT \(newest first\)/);
    const failedRow = failures.stdout.split('\n').find((l) => l.startsWith(failedId));
    expect(failedRow).toContain(
      new Date((await cli.store.get(failedId))!.finishedAt!).toISOString(),
    );
    expect(row).toBeDefined();
    const recovered = all.stdout.split('\n').find((l) => l.startsWith(recoveredId));
    expect(recovered).toMatch(/SUCCEEDED.*-$/);
    expect(recovered).not.toContain('retryable');
  });

  it('cancels the unfinished tasks of a demo stopped with Ctrl-C, so none fails afterwards', async () => {
    const since = Date.now();
    const demo = spawn(process.execPath, [resolve('bin/taskpipe.mjs'), 'demo', '--tasks', '80'], {
      env: { ...process.env, TASKPIPE_STATE_FILE: cli.stateFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const enqueued = new Promise<void>((done) => {
      demo.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (stderr.includes('enqueued 80 task(s)')) done();
      });
    });
    const exited = new Promise<number | null>((done) => demo.once('exit', (code) => done(code)));
    await enqueued;
    demo.kill('SIGINT');
    const code = await exited;

    expect(code).toBe(0);
    expect(stderr).toContain('stopping the demo: cancelling its unfinished tasks');
    const ended = await pollUntil(
      async () =>
        (await cli.store.list({ limit: 1_000 })).tasks.filter((t) => t.createdAt >= since),
      (tasks) => !tasks.some((t) => ['QUEUED', 'RETRYING', 'RUNNING'].includes(t.status)),
      { what: 'every demo task ended', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(ended).toHaveLength(80);
    expect(ended.filter((t) => t.status === 'CANCELLED').length).toBeGreaterThan(0);
    // Only the demo's deliberate 400s fail; nothing fails against the closed endpoint.
    for (const failed of ended.filter((t) => t.status === 'FAILED')) {
      expect(failed.lastError?.message).toContain('answered 400');
    }
  }, 120_000);
});
