import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeProcess, startRuntimeProcess } from './runtimeProcess.js';

const run = promisify(execFile);
const ROOT = resolve('.');

/** The README tour's command lines, as a user pastes them (comments and fences left out). */
function tourLines(readme: string): string[] {
  const start = readme.indexOf('<!-- tour:start -->');
  const end = readme.indexOf('<!-- tour:end -->');
  if (start < 0 || end < start) throw new Error('README has no tour between its markers');
  return readme
    .slice(start, end)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('```') && !l.startsWith('<!--'));
}

const quote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;

async function hasCommand(name: string): Promise<boolean> {
  return run('bash', ['-c', `command -v ${name}`]).then(
    () => true,
    () => false,
  );
}

// The README's five-minute tour, run line by line against `npm start` as a user runs it.
// Two departures keep it lean and safe, both on the lines only: the runtime listens on
// free ports (the tour's 3000 and 4566 are replaced), and the demo runs 40 tasks.
describe('the README tour', () => {
  let runtime: RuntimeProcess;
  let awsMissing = false;

  beforeAll(async () => {
    awsMissing = !(await hasCommand('aws'));
    if (awsMissing) {
      const why = 'the AWS CLI is not on PATH: the tour line that uses it is skipped';
      if (process.env.CI === 'true') throw new Error(`${why}; CI must install it`);
      console.warn(why);
    }
    runtime = await startRuntimeProcess({ TASKPIPE_ALARM_PERIOD_SECONDS: '1' });
  }, 120_000);
  afterAll(async () => {
    await runtime?.cleanup();
  });

  it('works when pasted line by line', { timeout: 300_000 }, async () => {
    const api = new URL(runtime.info.apiUrl!);
    const sqs = new URL(runtime.info.sqsEndpoint);
    const lines = tourLines(readFileSync('README.md', 'utf8'))
      .filter((l) => !(awsMissing && l.includes('aws ')))
      .map((l) =>
        l
          .replaceAll('127.0.0.1:3000', api.host)
          .replaceAll(':4566', `:${sqs.port}`)
          .replace(/^npx taskpipe demo$/, 'npx taskpipe demo --tasks 40'),
      );
    expect(lines.length).toBeGreaterThanOrEqual(10);
    // `npx` resolves the project's own bin; checked once, then called directly to save
    // npm's start-up on every line.
    const help = await run('npx', ['taskpipe', '--help'], { cwd: ROOT, timeout: 60_000 });
    expect(help.stdout).toContain('Usage: taskpipe');

    // A user pastes the next line a moment after the last one ended; a line that reads what
    // the pipeline has not done yet (the status of a task just sent) is tried again, within
    // a bound, as a user would.
    const script = [
      'set -uo pipefail',
      `npx() { if [ "$1" = taskpipe ]; then shift; node ${quote(join(ROOT, 'bin/taskpipe.mjs'))} "$@"; else command npx "$@"; fi; }`,
      'step() { for _ in $(seq 1 40); do if eval "$1"; then echo; return 0; fi; sleep 0.25; done; echo "tour line failed: $1" >&2; exit 1; }',
      ...lines.map((l) => `echo ${quote(`$ ${l}`)}; step ${quote(l)}`),
    ].join('\n');
    const file = join(runtime.dir, 'tour.sh');
    await writeFile(file, script);

    const out = await run('bash', [file], {
      cwd: ROOT,
      env: { ...process.env, TASKPIPE_STATE_FILE: runtime.stateFile },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);

    expect(out.stderr, out.stdout).not.toContain('tour line failed');
    expect('code' in out ? out.code : 0).toBe(0);
    expect(out.stdout).toMatch(/"status":"QUEUED"/);
    expect(out.stdout).toMatch(/state\s+SEALED\n(.*\n)*on complete\s+\S+\.on-complete/);
    expect(out.stdout).toMatch(/id\s+\S+\.on-complete\n/);
    if (!awsMissing) expect(out.stdout).toMatch(/id\s+hello-1\n(.*\n)*status\s+SUCCEEDED/);
    expect(out.stdout).toMatch(/demo: 40 task\(s\)/);
    // The DLQ alarm reaches the npm start terminal, standing out, and no routine warning
    // buries it.
    const printed = await runtime.waitFor(/🔴 ALARM taskpipe-\w+-dlq-not-empty/, 30_000);
    expect(printed).toMatch(/━{72}\n🔴 ALARM/);
    expect(printed.split('\n').filter((l) => l.includes('"level":"WARN"'))).toEqual([]);
  });
});
