import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../local/email/Outbox.js';
import { type StartedRuntime, startRuntime } from '../helpers/npmStart.js';

const run = promisify(execFile);
const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const EXAMPLE = resolve('examples/bulk-email/main.ts');

/** `npx tsx examples/bulk-email/main.ts <count>` as a user runs it beside `npm start`. */
function runExample(count: string, stateFile: string) {
  return run(process.execPath, ['--import', TSX_LOADER, EXAMPLE, count], {
    env: {
      ...process.env,
      TASKPIPE_STATE_FILE: stateFile,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    timeout: 300_000,
  });
}

// examples/bulk-email against `npm start`: 1,000 personalised emails as one group, and the
// summary it prints once every one ended.
describe('examples/bulk-email', { timeout: 360_000 }, () => {
  let runtime: StartedRuntime;
  beforeAll(async () => {
    runtime = await startRuntime();
  }, 120_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  it('sends 1,000 personalised emails through npm start and prints the summary', async () => {
    const { stdout } = await runExample('1000', runtime.stateFile);
    const line = stdout.split('\n').find((l) => l.startsWith('summary: '));
    expect(line, stdout).toBeDefined();
    const summary = JSON.parse(line!.slice('summary: '.length)) as Record<string, unknown>;
    expect(summary).toMatchObject({ emails: 1_000, sent: 1_000, failed: 0 });

    const group = (await (
      await fetch(`${runtime.apiUrl}/groups/${String(summary.groupId)}?limit=1`)
    ).json()) as { counts: { succeeded: number } };
    expect(group.counts.succeeded).toBe(1_000);
    const outbox = new Outbox(runtime.info.outboxDir!).list(2_000);
    expect(outbox).toHaveLength(1_000);
    expect(new Set(outbox.map((m) => m.to[0])).size).toBe(1_000);
    const one = outbox.find((m) => m.to[0] === 'Customer 42 <customer42@example.com>');
    expect(one?.subject).toBe('Customer 42, your spring offer');
  });

  it('says how to start the runtime when none runs, and refuses a bad count', async () => {
    const missing = resolve(runtime.stateFile, '..', 'none.json');
    await expect(runExample('10', missing)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('start it with npm start'),
    });
    await expect(runExample('ten', runtime.stateFile)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('count must be a whole number from 1 to 100000'),
    });
  });
});
