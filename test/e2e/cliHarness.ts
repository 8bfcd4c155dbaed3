import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { writeLocalState } from '../../local/stateFile.js';

const BIN = resolve('bin/taskpipe.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `taskpipe` binary in a child process; never throws for a non-zero exit. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** The lines the CLI itself wrote to stderr (a child's runtime may add warnings of its own). */
export const cliLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line.startsWith('taskpipe:'));

/** A local pipeline in this process, with its state file in a temporary folder for the CLI. */
export interface CliHarness {
  pipeline: LocalPipeline;
  store: DynamoTaskStore;
  stateFile: string;
  dir: string;
  /** Runs the CLI against this pipeline. */
  run(...args: string[]): Promise<CliRun>;
  /** `run` with `--json`, parsed; fails the test on a non-zero exit. */
  json<T = Record<string, unknown>>(...args: string[]): Promise<T>;
  /** Visible plus in-flight messages of a queue. */
  depth(url: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startCliHarness(): Promise<CliHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'taskpipe-cli-'));
  const stateFile = join(dir, '.taskpipe', 'local.json');
  const pipeline = await LocalPipeline.start({
    ports: { api: 0, sqs: 0, dynamodb: 0 },
    logLevel: 'SILENT',
  });
  await writeLocalState(pipeline.info, stateFile);
  const store = new DynamoTaskStore({
    client: pipeline.clients.dynamodb,
    tableName: pipeline.info.tableName,
  });
  const run = (...args: string[]) => runCli(args, { TASKPIPE_STATE_FILE: stateFile });
  return {
    pipeline,
    store,
    stateFile,
    dir,
    run,
    async json<T>(...args: string[]) {
      const out = await run(...args, '--json');
      if (out.code !== 0) {
        throw new Error(`taskpipe ${args.join(' ')} exited ${out.code}: ${out.stderr}`);
      }
      return JSON.parse(out.stdout) as T;
    },
    async depth(url) {
      const { Attributes = {} } = await pipeline.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    },
    async stop() {
      await pipeline.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
