import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { drainBoundFor } from './drainBound.js';
import { parseRates } from './faults.js';
import { runChaos } from './runChaos.js';

/**
 * `npm run chaos [-- --tasks N --seed S --rate-<fault>=R --drain-cpu SECONDS --write-report]`:
 * prints the fault table and the invariants; exits 1 when any invariant fails.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tasks: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      'drain-cpu': { type: 'string' },
      'write-report': { type: 'boolean', default: false },
    },
    strict: false,
  });
  const flags = Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  const tasks = Number(values.tasks);
  const seed = Number(values.seed);
  if (!Number.isInteger(tasks) || tasks < 1) throw new Error(`--tasks ${values.tasks}: need ≥ 1`);
  if (!Number.isInteger(seed)) throw new Error(`--seed ${values.seed}: need an integer`);
  const cpu = flags['drain-cpu'];
  const result = await runChaos({
    tasks,
    seed,
    rates: parseRates(flags),
    ...(cpu ? { drainBound: { ...drainBoundFor(tasks), cpuMs: Number(cpu) * 1000 } } : {}),
    log: (line) => process.stderr.write(`chaos: ${line}\n`),
  });
  process.stdout.write(result.report);
  if (values['write-report']) {
    const command = `npm run chaos -- --tasks ${tasks} --seed ${seed} --write-report`;
    await writeFile(
      new URL('./last-run.md', import.meta.url),
      `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}.\n\n${result.report}`,
    );
  }
  return result.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
