import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../local/LocalPipeline.js';
import { PortInUseError } from '../../local/PortInUseError.js';
import { useBusyPort } from '../helpers/busyPort.js';

const run = promisify(execFile);

describe('local runtime start-up', () => {
  const busyPort = useBusyPort();

  it.each([
    ['api', 'PORT'],
    ['sqs', 'TASKPIPE_SQS_PORT'],
    ['dynamodb', 'TASKPIPE_DYNAMODB_PORT'],
  ] as const)('names the busy %s port and how to change it', async (which, envVar) => {
    const ports = { api: 0, sqs: 0, dynamodb: 0, [which]: busyPort() };
    const error = await LocalPipeline.start({ ports, logLevel: 'SILENT' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toContain(`port ${busyPort()}`);
    expect((error as Error).message).toContain(`${envVar}=<port>`);
  });

  it('npm start prints one line and exits non-zero when a port is taken', async () => {
    const failure = await run('npx', ['tsx', 'local/start.ts'], {
      env: {
        ...process.env,
        PORT: String(busyPort()),
        TASKPIPE_SQS_PORT: '0',
        TASKPIPE_DYNAMODB_PORT: '0',
      },
      timeout: 30_000,
    }).catch((e: { code: number; stderr: string }) => e);
    expect((failure as { code: number }).code).toBe(1);
    const lines = (failure as { stderr: string }).stderr
      .split('\n')
      .filter((l) => l.startsWith('taskpipe:'));
    expect(lines).toEqual([
      `taskpipe: port ${busyPort()} (HTTP API) is already in use on 127.0.0.1; stop whatever holds it or choose another port: PORT=<port> npm start`,
    ]);
    expect((failure as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
  });
});
