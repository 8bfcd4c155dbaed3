import { spawnSync } from 'node:child_process';

/** Why `promtool` cannot run here, or undefined when it can. Under CI its absence fails. */
export function promtoolUnavailable(): string | undefined {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
  if (found) return undefined;
  const reason =
    'promtool is not on PATH (Debian: apt-get install -y prometheus; .ci/run installs it)';
  if (process.env.CI) throw new Error(`${reason}; CI must check the /metrics output`);
  process.stdout.write(`skipping the promtool checks: ${reason}\n`);
  return reason;
}

/** `promtool check metrics` on `text`: its exit status and what it reported. */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}
