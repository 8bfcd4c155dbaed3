/** Where `npm run bench -- --write-docs` puts its report: between these markers. */
export const BENCH_START = '<!-- bench:start (npm run bench -- --write-docs) -->';
export const BENCH_END = '<!-- bench:end -->';

const INTRO = `\`npm run bench\` (about two minutes) measures what a task costs on AWS, consumer time per
batch, cold start and local throughput, each next to baselines run in the same process, so
the ratios hold on a busy machine. Baseline (a), the floor, only runs the task; baseline
(b) is the usual way: Powertools batch, Powertools idempotency (DynamoDB persistence) and
a status write per transition. The table below is the command's output
(\`npm run bench -- --write-docs\`); \`bench/results.json\` has every figure.`;

/**
 * The performance page with `report` between its markers; a page without them (or none at
 * all) gets the whole section, so the page can be rebuilt from nothing.
 */
export function withBenchReport(page: string, report: string): string {
  const block = `${BENCH_START}\n\n${report}\n${BENCH_END}`;
  const from = page.indexOf(BENCH_START);
  const to = page.indexOf(BENCH_END);
  if (from >= 0 && to > from)
    return page.slice(0, from) + block + page.slice(to + BENCH_END.length);
  const head = page.trim() === '' ? '# Performance\n\n' : `${page.trimEnd()}\n\n`;
  return `${head}${INTRO}\n\n${block}\n`;
}
