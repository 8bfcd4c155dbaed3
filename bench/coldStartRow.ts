import { measureColdStart } from './coldStart.js';

// `npx tsx bench/coldStartRow.ts "<row name>" [processes]`: one cold-start row (and its
// baseline) without the rest of the bench, e.g. the X-Ray tracer's init cost.
const [name, processes = '11'] = process.argv.slice(2);
if (!name) {
  process.stderr.write('usage: tsx bench/coldStartRow.ts "<row name>" [processes]\n');
  process.exit(2);
}
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const rows = await measureColdStart(Number(processes), false, [name]);
for (const row of rows) {
  process.stdout.write(
    `${row.name}: ${row.kb} KB, init ${row.initMs} ms${row.overBaseline ? ` (${row.overBaseline}× ${row.baseline})` : ''}\n`,
  );
}
