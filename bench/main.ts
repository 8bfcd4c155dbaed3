import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TrackingLevel } from '../functions/core/task.js';
import { numberAfter, scaleSource } from './args.js';
import { finalRun } from './finalRun.js';
import {
  FULL_INSTRUCTIONS,
  QUICK_INSTRUCTIONS,
  renderInstructions,
  runInstructions,
} from './instructions/runInstructions.js';
import { allowFetchingLambdaNode, lambdaNode } from './lambdaNode.js';
import { runModel } from './model/runModel.js';
import { withBenchReport } from './performanceDoc.js';
import { renderReport } from './report.js';
import { FULL_SIZES, runBench, SMOKE_SIZES } from './runBench.js';
import { renderScale, runScale } from './scale/runScale.js';
import { measureThroughput } from './throughput.js';

// `npm run bench [-- --smoke] [-- --write-docs]`: prints the table; a full run also writes
// bench/results.json and bench/last-run.md, and with --write-docs docs/performance.md.
// `-- --final` runs every part (with instruction counts and scale) and writes both files;
// `-- --final --scale-report bench/scale-last-run.md` takes the scale part from that report.
// Parts alone: --model N, --scale N [--data-dir d | --in-memory], --throughput [--tasks N --rounds R],
// --instructions [--quick] [--levels full,terminal] [--batch-sizes 10] [--no-cold].
// The full run and --final run on Lambda's Node 24 (fetched once), unless --this-node.
// docs/performance.md lists them.
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const LAST_RUN = fileURLToPath(new URL('./last-run.md', import.meta.url));
const SCALE_RUN = fileURLToPath(new URL('./scale-last-run.md', import.meta.url));
const PERFORMANCE_DOC = fileURLToPath(new URL('../docs/performance.md', import.meta.url));

async function main(args: string[]): Promise<void> {
  allowFetchingLambdaNode();
  const model = numberAfter(args, '--model');
  if (model !== undefined) {
    const pollerHourPrice = numberAfter(args, '--poller-hour-price');
    process.stdout.write(
      await runModel({
        tasks: model,
        resultsFile: RESULTS,
        ddbLatencyMs: numberAfter(args, '--ddb-latency-ms') ?? 5,
        sequentialRequests: 2,
        ...(pollerHourPrice === undefined ? {} : { pollerHourPrice }),
      }),
    );
    return;
  }
  if (args.includes('--instructions')) {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
    const base = args.includes('--quick') ? QUICK_INSTRUCTIONS : FULL_INSTRUCTIONS;
    const levels = listAfter(args, '--levels') as TrackingLevel[] | undefined;
    const batchSizes = listAfter(args, '--batch-sizes')?.map(Number);
    const sizes = { ...base, ...(levels ? { levels } : {}), ...(batchSizes ? { batchSizes } : {}) };
    const results = await runInstructions(
      sizes,
      (line) => process.stderr.write(`bench: ${line}\n`),
      { cold: !args.includes('--no-cold') },
    );
    if (results) process.stdout.write(renderInstructions(results));
    return;
  }
  if (measuresFunctions(args) && (await reranOnLambdaNode(args))) return;
  if (args.includes('--final')) {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
    const report = await finalRun(
      { results: RESULTS, lastRun: LAST_RUN },
      scaleSource(args),
      (line) => process.stderr.write(`bench: ${line}\n`),
    );
    process.stdout.write(report);
    await writeDoc(report);
    return;
  }
  const scale = numberAfter(args, '--scale');
  if (scale !== undefined) {
    const dirAt = args.indexOf('--data-dir');
    const result = await runScale(
      {
        tasks: scale,
        chunk: numberAfter(args, '--chunk') ?? 2_000,
        inMemory: args.includes('--in-memory'),
        ...(dirAt >= 0 && args[dirAt + 1] ? { dataDir: args[dirAt + 1]! } : {}),
      },
      (line) => process.stderr.write(`bench: ${line}\n`),
    );
    const report = renderScale(result);
    process.stdout.write(report);
    // The in-memory run is a comparison; the recorded report is the one on disk.
    if (!result.inMemory) await writeFile(SCALE_RUN, report);
    return;
  }
  if (args.includes('--throughput')) {
    const t = await measureThroughput(
      numberAfter(args, '--tasks') ?? FULL_SIZES.throughputTasks,
      FULL_SIZES.ceilingWrites,
      numberAfter(args, '--rounds') ?? FULL_SIZES.throughputRounds,
    );
    process.stdout.write(`${JSON.stringify(t, null, 2)}\n`);
    return;
  }
  const smoke = args.includes('--smoke');
  // Lambda's own logs would interleave with the table; the bench silences them.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const results = await runBench(smoke ? SMOKE_SIZES : FULL_SIZES, (line) =>
    process.stderr.write(`bench: ${line}\n`),
  );
  const report = renderReport(results);
  process.stdout.write(report);
  if (smoke) return;
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(LAST_RUN, report);
  // --write-readme is the flag's former name, from when the section lived in the README.
  if (args.includes('--write-docs') || args.includes('--write-readme')) await writeDoc(report);
}

/** `--final` and the plain run (with at most --smoke, --write-docs) measure the functions. */
const PLAIN_RUN_FLAGS = new Set(['--smoke', '--write-docs']);
const measuresFunctions = (args: string[]) =>
  args.includes('--final') || args.every((a) => !a.startsWith('--') || PLAIN_RUN_FLAGS.has(a));

/**
 * The bench's figures are the functions' as Lambda runs them, so the full run and
 * `--final` run on Lambda's Node (`lambdaNode`), unless this is it or `--this-node` says
 * to stay. Returns whether the run happened in that other process.
 */
async function reranOnLambdaNode(args: string[]): Promise<boolean> {
  if (args.includes('--this-node')) return false;
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const node = await lambdaNode(log);
  if (node.path === process.execPath || node.fallback) return false;
  log(
    `running on Node ${node.version}, as Lambda's nodejs24.x (--this-node stays on ${process.version})`,
  );
  const child = spawnSync(node.path, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
  });
  process.exitCode = child.status ?? 1;
  return true;
}

/** The comma-separated values after `flag`, if the flag is given. */
function listAfter(args: string[], flag: string): string[] | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : (args[i + 1] ?? '').split(',').filter(Boolean);
}

/** Replaces the report on the performance page (see `withBenchReport`). */
async function writeDoc(report: string): Promise<void> {
  const page = await readFile(PERFORMANCE_DOC, 'utf8').catch(() => '');
  await writeFile(PERFORMANCE_DOC, withBenchReport(page, report));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
