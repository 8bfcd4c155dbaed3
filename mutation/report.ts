/**
 * Writes mutation/last-run.md from the incremental report Stryker keeps (every file's last
 * result, whichever run mutated it): the score per folder and per file, every surviving
 * mutant with a one-line reason, and the files of the scope no run has mutated yet.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  statusReason?: string;
  location: { start: { line: number; column: number } };
  coveredBy?: string[];
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}
interface Tally {
  detected: number;
  undetected: number;
  ignored: number;
}

const root = join(import.meta.dirname, '..');
const config = JSON.parse(readFileSync(join(root, 'stryker.config.json'), 'utf8')) as {
  mutate: string[];
  incrementalFile: string;
};
const report = JSON.parse(readFileSync(join(root, config.incrementalFile), 'utf8')) as Report;

// Stryker's definition: timeouts count as detected; errors and ignored mutants do not count.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function tally(mutants: Mutant[]): Tally {
  return {
    detected: mutants.filter((m) => DETECTED.has(m.status)).length,
    undetected: mutants.filter((m) => UNDETECTED.has(m.status)).length,
    ignored: mutants.filter((m) => m.status === 'Ignored').length,
  };
}

function score({ detected, undetected }: Tally): string {
  const total = detected + undetected;
  return total === 0 ? 'n/a' : `${((100 * detected) / total).toFixed(1)}%`;
}

function row(name: string, t: Tally): string {
  return `| ${name} | ${score(t)} | ${t.detected} | ${t.undetected} | ${t.ignored} |`;
}

/** The scope's files, from the `mutate` patterns (`dir/**\/*.ts` or a single file). */
function scopeFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir)).flatMap((name) => {
      const path = `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) return walk(path);
      return path.endsWith('.ts') ? [path] : [];
    });
  return config.mutate.flatMap((pattern) =>
    pattern.endsWith('/**/*.ts') ? walk(pattern.slice(0, -'/**/*.ts'.length)) : [pattern],
  );
}

/**
 * Reasons written by hand, keyed `file:line:column mutator`; a key whose mutant no longer
 * survives is simply unused. Without one, the reason is what the run saw.
 */
const reasonsFile = join(root, 'mutation/reasons.json');
const reasons: Record<string, string> = existsSync(reasonsFile)
  ? JSON.parse(readFileSync(reasonsFile, 'utf8'))
  : {};

function reason(file: string, m: Mutant): string {
  const key = `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}`;
  if (reasons[key]) return reasons[key];
  if (m.status === 'NoCoverage') return 'no test of the unit or integration suites reaches it';
  const tests = m.coveredBy?.length ?? 0;
  return `${tests} test(s) run it and none fails`;
}

const files = Object.entries(report.files)
  .filter(([, file]) => file.mutants.length > 0)
  .sort(([a], [b]) => a.localeCompare(b));
const folders = new Map<string, Mutant[]>();
for (const [name, file] of files) {
  const folder = name.slice(0, name.lastIndexOf('/'));
  folders.set(folder, [...(folders.get(folder) ?? []), ...file.mutants]);
}

const header = ['| | score | detected | undetected | ignored |', '|---|---|---|---|---|'];
const lines = [
  '# Mutation testing: last results',
  '',
  'Written by `npm run mutation` (`mutation/report.ts`) from the incremental report: each',
  "file's result is from the last run that mutated it. Score = detected / (detected +",
  'undetected); ignored mutants are the ones marked equivalent in the code.',
  '',
  '## Per folder',
  '',
  ...header,
  ...[...folders].map(([folder, mutants]) => row(folder, tally(mutants))),
  row('**all**', tally(files.flatMap(([, file]) => file.mutants))),
  '',
  '## Per file',
  '',
  ...header,
  ...files.map(([name, file]) => row(name, tally(file.mutants))),
  '',
  '## Surviving mutants',
  '',
];
const survivors = files.flatMap(([name, file]) =>
  file.mutants
    .filter((m) => UNDETECTED.has(m.status))
    .map((m) => {
      const at = `${name}:${m.location.start.line}:${m.location.start.column}`;
      const change = m.replacement ? ` → \`${m.replacement.replace(/\s+/g, ' ')}\`` : '';
      return `- ${at} ${m.mutatorName}${change}: ${reason(name, m)}`;
    }),
);
lines.push(...(survivors.length ? survivors : ['None.']), '');

const mutated = new Set(files.map(([name]) => name));
const never = scopeFiles().filter((f) => existsSync(join(root, f)) && !mutated.has(f));
lines.push('## Files of the scope not mutated yet', '');
lines.push(...(never.length ? never.map((f) => `- ${f}`) : ['None.']), '');

const out = join(root, 'mutation/last-run.md');
writeFileSync(out, lines.join('\n'));
// Tables aligned as the formatter keeps them, so `npm run lint` stays clean.
execFileSync(join(root, 'node_modules/.bin/biome'), ['format', '--write', out], {
  stdio: 'ignore',
});
console.log(`mutation/last-run.md: ${files.length} files, ${survivors.length} survivors`);
