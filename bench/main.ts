import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runModel } from './model/runModel.js';
import { withBenchReport } from './performanceDoc.js';
import { renderReport } from './report.js';
import { FULL_SIZES, runBench, SMOKE_SIZES } from './runBench.js';

// `npm run bench [-- --smoke] [-- --write-docs]`: prints the table; a full run also writes
// bench/results.json and bench/last-run.md, and with --write-docs docs/performance.md.
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const LAST_RUN = fileURLToPath(new URL('./last-run.md', import.meta.url));
const PERFORMANCE_DOC = fileURLToPath(new URL('../docs/performance.md', import.meta.url));

async function main(args: string[]): Promise<void> {
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

/** The number after `flag`, if the flag is given; a clear error if it is not a number. */
export function numberAfter(args: string[], flag: string): number | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${flag} takes a number ≥ 0 (got ${args[i + 1] ?? 'nothing'})`);
  }
  return value;
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
