import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalPipelineInfo } from '../../local/LocalPipeline.js';

const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const START = resolve('local/start.ts');
const READY_MS = 90_000;

/** `npm start` as a user runs it, on free ports, in a folder of its own. */
export interface StartedRuntime {
  info: LocalPipelineInfo;
  banner: string;
  apiUrl: string;
  consoleUrl: string;
  /** Where it says how to reach it (what the CLI and the examples read). */
  stateFile: string;
  stop(): Promise<void>;
}

/**
 * Runs the command behind `npm start` (`node --import tsx local/start.ts`) in a temporary working folder,
 * so its state file is its own, and waits for its banner.
 */
export async function startRuntime(env: Record<string, string> = {}): Promise<StartedRuntime> {
  const dir = await mkdtemp(join(tmpdir(), 'taskpipe-start-'));
  const child = spawn(process.execPath, ['--import', TSX_LOADER, START], {
    cwd: dir,
    env: {
      ...process.env,
      PORT: '0',
      TASKPIPE_SQS_PORT: '0',
      TASKPIPE_DYNAMODB_PORT: '0',
      TASKPIPE_CONSOLE_PORT: '0',
      TASKPIPE_STATE_FILE: join(dir, '.taskpipe', 'local.json'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  try {
    await waitForBanner(child, () => output);
    const info = JSON.parse(
      await readFile(join(dir, '.taskpipe', 'local.json'), 'utf8'),
    ) as LocalPipelineInfo;
    if (!info.apiUrl || !info.consoleUrl) throw new Error(`no API or console URL:\n${output}`);
    return {
      info,
      banner: output,
      apiUrl: info.apiUrl,
      consoleUrl: info.consoleUrl,
      stateFile: join(dir, '.taskpipe', 'local.json'),
      stop: () => stop(child, dir),
    };
  } catch (error) {
    await stop(child, dir);
    throw error;
  }
}

async function waitForBanner(child: ChildProcess, output: () => string): Promise<void> {
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no banner in ${READY_MS} ms:\n${output()}`)),
      READY_MS,
    );
    const check = () => {
      if (output().includes('Press Ctrl-C to stop')) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited (${code}):\n${output()}`));
    });
  });
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  await rm(dir, { recursive: true, force: true });
}
