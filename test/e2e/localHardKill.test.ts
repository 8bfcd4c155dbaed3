import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/clients.js';
import type { LocalPipelineInfo } from '../../local/LocalPipeline.js';
import { pollUntil } from '../helpers/poll.js';

interface TaskView {
  id: string;
  status: string;
  attempts: number;
  updatedAt: string;
}

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** `npm start -- --data-dir <dir>` as its own process, in `cwd` (where it writes local.json). */
function startRuntime(cwd: string, dataDir: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'local/start.ts'), '--data-dir', dataDir],
    {
      cwd,
      env: {
        ...process.env,
        PORT: '0',
        TASKPIPE_SQS_PORT: '0',
        TASKPIPE_DYNAMODB_PORT: '0',
        TASKPIPE_CONSOLE_PORT: '0',
        TASKPIPE_STATE_FILE: join(cwd, '.taskpipe/local.json'),
        TASKPIPE_LOG_LEVEL: 'SILENT',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

async function runningInfo(cwd: string, child: ChildProcess): Promise<LocalPipelineInfo> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const read = async () => {
    if (child.exitCode !== null) throw new Error(`runtime exited ${child.exitCode}: ${stderr}`);
    try {
      return JSON.parse(
        await readFile(join(cwd, '.taskpipe/local.json'), 'utf8'),
      ) as LocalPipelineInfo;
    } catch {
      return undefined;
    }
  };
  const info = await pollUntil(read, (i) => i?.pid === child.pid, {
    what: 'the runtime to start',
    timeoutMs: 60_000,
    intervalMs: 100,
  });
  return info!;
}

// kill -9 of the runtime: what the journal and the task table promise (docs/persistence.md).
describe('local runtime hard kill with --data-dir', () => {
  let cwd: string;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('keeps accepted messages and finished tasks, and runs no finished task again', async () => {
    cwd = await mkdtemp(join(tmpdir(), 'taskpipe-kill-'));
    const dataDir = join(cwd, 'data');
    const first = startRuntime(cwd, dataDir);
    children.push(first);
    const a = await runningInfo(cwd, first);
    const task = async (info: LocalPipelineInfo, id: string) =>
      (await (await fetch(`${info.apiUrl}/tasks/${id}`)).json()) as TaskView;
    // A task claimed just before the kill waits out its lease (≤ consumer.timeoutSeconds, 60 s).
    const until = (info: LocalPipelineInfo, id: string) =>
      pollUntil(
        () => task(info, id),
        (t) => t.status === 'SUCCEEDED',
        { what: `task ${id} SUCCEEDED`, timeoutMs: 90_000 },
      );

    const finished: TaskView[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${a.apiUrl}/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'noop', payload: {} }),
      });
      const { taskId } = (await res.json()) as { taskId: string };
      finished.push(await until(a, taskId));
    }
    // A raw producer, as the AWS CLI: three delayed messages (they cannot have run before
    // the kill) and one ready now (it may or may not have).
    const sqs = new SQSClient({
      region: a.region,
      endpoint: a.sqsEndpoint,
      credentials: { ...LOCAL_CREDENTIALS },
    });
    const accepted: string[] = [];
    const stamp = Date.now();
    for (const [i, delay] of [3, 3, 3, 0].entries()) {
      const id = `killed-${stamp}-${i}`;
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: a.queues.find((q) => q.priority === 'default')!.url,
          DelaySeconds: delay,
          MessageBody: JSON.stringify({
            v: 1,
            id,
            type: 'noop',
            payload: {},
            priority: 'default',
            enqueuedAt: new Date().toISOString(),
          }),
        }),
      );
      accepted.push(id);
    }
    sqs.destroy();
    const exited = once(first, 'exit');
    first.kill('SIGKILL');
    await exited;

    const second = startRuntime(cwd, dataDir);
    children.push(second);
    const b = await runningInfo(cwd, second);
    const delayed = accepted.slice(0, 3);
    for (const id of delayed) expect((await until(b, id)).attempts).toBe(1);
    // The ready one ran once, or was claimed when the kill came and ran again after its
    // lease: the attempt counts (docs/persistence.md, "Hard kills"). Never lost, never three.
    expect([1, 2]).toContain((await until(b, accepted[3]!)).attempts);
    for (const before of finished) expect(await task(b, before.id)).toEqual(before);

    const stopped = once(second, 'exit');
    second.kill('SIGTERM');
    expect((await stopped)[0]).toBe(0);
  }, 240_000);
});
