import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalPipelineInfo } from '../../local/LocalPipeline.js';

// As `npm start` runs it: node with tsx's loader, no tsx CLI between the signal and the runtime.
const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const READY = 'Press Ctrl-C to stop.';

/** `npm start` as a user runs it: local/start.ts under tsx's loader, in its own process group. */
export interface RuntimeProcess {
  child: ChildProcess;
  info: LocalPipelineInfo;
  stateFile: string;
  dir: string;
  /** Everything printed so far, stdout and stderr interleaved as they came. */
  output(): string;
  /** Resolves with the output once `pattern` appears in it; bounded. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** A signal to the whole process group, as a terminal's Ctrl-C sends it. */
  signal(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
  /** Kills what is left and removes the temporary folder. */
  cleanup(): Promise<void>;
}

export async function startRuntimeProcess(
  env: Record<string, string> = {},
  timeoutMs = 90_000,
): Promise<RuntimeProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'taskpipe-start-'));
  const stateFile = join(dir, 'local.json');
  const child = spawn(process.execPath, ['--import', TSX_LOADER, 'local/start.ts'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: '0',
      TASKPIPE_SQS_PORT: '0',
      TASKPIPE_DYNAMODB_PORT: '0',
      TASKPIPE_CONSOLE_PORT: '0',
      TASKPIPE_STATE_FILE: stateFile,
      ...env,
    },
  });
  let text = '';
  const waiters = new Set<() => void>();
  const take = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const wake of waiters) wake();
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  exited.then(() => {
    for (const wake of waiters) wake();
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });

  const waitFor = (pattern: RegExp, ms = 30_000) =>
    new Promise<string>((done, fail) => {
      const check = () => {
        if (pattern.test(text)) return finish(() => done(text));
        if (ended) return finish(() => fail(new Error(`exited before ${pattern}:\n${text}`)));
      };
      const timer = setTimeout(
        () => finish(() => fail(new Error(`no ${pattern} within ${ms} ms:\n${text}`))),
        ms,
      );
      const finish = (then: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        then();
      };
      waiters.add(check);
      check();
    });

  const signal = (name: NodeJS.Signals) => {
    if (child.pid !== undefined && !ended) process.kill(-child.pid, name);
  };
  const cleanup = async () => {
    if (!ended) {
      signal('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(new RegExp(READY.replace('.', '\\.')), timeoutMs);
    const info = JSON.parse(await readFile(stateFile, 'utf8')) as LocalPipelineInfo;
    return { child, info, stateFile, dir, output: () => text, waitFor, signal, exited, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
