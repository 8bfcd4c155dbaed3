import { access } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../helpers/poll.js';
import { type RuntimeProcess, startRuntimeProcess } from './runtimeProcess.js';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

// Stopping `npm start`: a countdown, a second Ctrl-C that does not wait, and no stale state
// file whichever way it stops.
describe('stopping the local runtime', () => {
  let runtime: RuntimeProcess | undefined;
  afterEach(async () => {
    await runtime?.cleanup();
    runtime = undefined;
  });

  it('says in its banner that data lives in memory, and prints no SDK warning', async () => {
    runtime = await startRuntimeProcess();
    expect(runtime.output()).toContain(
      'in memory: stopping loses all tasks; use --data-dir to keep them',
    );
    expect(runtime.output()).not.toContain('NodeVersionSupportWarning');
    expect(runtime.output()).not.toMatch(/DeprecationWarning|ExperimentalWarning/);
  });

  it('counts down the batches it waits for; a second Ctrl-C stops at once and says what comes back', async () => {
    runtime = await startRuntimeProcess();
    const { apiUrl } = runtime.info;
    const created = await fetch(`${apiUrl}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'noop', payload: { sleepMs: 10_000 } }),
    });
    const { taskId } = (await created.json()) as { taskId: string };
    await pollUntil(
      async () =>
        ((await (await fetch(`${apiUrl}/tasks/${taskId}`)).json()) as { status: string }).status,
      (status) => status === 'RUNNING',
      { what: 'the long task RUNNING' },
    );

    runtime.signal('SIGINT');
    await runtime.waitFor(
      /SIGINT: stopping; waiting for 1 in-flight batch\(es\) to finish, at most \d+ s more/,
    );
    // The countdown, five seconds on; a second Ctrl-C after it is a person's, not a relay.
    await runtime.waitFor(
      /\n {2}waiting for 1 in-flight batch\(es\) to finish, at most \d+ s more/,
    );
    expect(await exists(runtime.stateFile)).toBe(true);
    runtime.signal('SIGINT');

    expect(await runtime.exited).toBe(130);
    expect(runtime.output()).toContain('stopped at once: 1 batch(es) unfinished');
    expect(runtime.output()).toContain('delivers them again when their visibility timeout ends');
    expect(await exists(runtime.stateFile)).toBe(false);
  });

  it('removes its state file on SIGTERM even when nobody reads its output any more', async () => {
    runtime = await startRuntimeProcess();
    // The reading end of the pipe goes away, as when `npm start | tee log` is interrupted.
    runtime.child.stdout?.destroy();
    runtime.child.stderr?.destroy();

    runtime.signal('SIGTERM');

    expect(await runtime.exited).toBe(0);
    expect(await exists(runtime.stateFile)).toBe(false);
  });
});
