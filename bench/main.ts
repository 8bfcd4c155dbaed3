import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderReport } from './report.js';
import { FULL_SIZES, runBench, SMOKE_SIZES } from './runBench.js';

// `npm run bench [-- --smoke] [-- --write-readme]`: prints the table; a full run also writes
// bench/results.json and bench/last-run.md, and with --write-readme the README's section.
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const LAST_RUN = fileURLToPath(new URL('./last-run.md', import.meta.url));
const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- bench:start (npm run bench -- --write-readme) -->';
const END = '<!-- bench:end -->';
const INTRO = `\`npm run bench\` (about two minutes) measures what a task costs on AWS, consumer time per
batch, cold start and local throughput, each next to baselines run in the same process, so
the ratios hold on a busy machine. Baseline (a), the floor, only runs the task; baseline
(b) is the usual way: Powertools batch, Powertools idempotency (DynamoDB persistence) and
a status write per transition. The table below is the command's output
(\`npm run bench -- --write-readme\`); \`bench/results.json\` has every figure.`;

async function main(args: string[]): Promise<void> {
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
  if (args.includes('--write-readme')) await writeReadme(report);
}

/** Replaces the README's performance section between its markers, or adds it before Development. */
async function writeReadme(report: string): Promise<void> {
  const readme = await readFile(README, 'utf8');
  const block = `${START}\n\n${report}\n${END}`;
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  let next: string;
  if (from >= 0 && to > from) {
    next = readme.slice(0, from) + block + readme.slice(to + END.length);
  } else {
    const section = `## Performance\n\n${INTRO}\n\n${block}\n\n`;
    const at = readme.indexOf('## Development');
    next = at >= 0 ? readme.slice(0, at) + section + readme.slice(at) : `${readme}\n${section}`;
  }
  await writeFile(README, next);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
