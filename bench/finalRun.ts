import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { instructionGoals } from './goals.js';
import {
  FULL_INSTRUCTIONS,
  renderInstructions,
  runInstructions,
} from './instructions/runInstructions.js';
import { runModel } from './model/runModel.js';
import { renderReport } from './report.js';
import { FULL_SIZES, runBench } from './runBench.js';
import { renderScale, runScale } from './scale/runScale.js';

export interface FinalFiles {
  results: string;
  lastRun: string;
}

/** The machine a run was measured on, printed at the head of the report. */
export function machineLine(): string {
  const cpu = cpus();
  return `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; ${new Date().toISOString()}.`;
}

/** Where the scale part comes from: a run of N tasks, or a report written by `--scale N`. */
export type ScaleSource = { tasks: number } | { report: string };

/**
 * `npm run bench -- --final [--scale N | --scale-report FILE]`: every figure of
 * docs/performance.md from one run of the code as it is: the bench's parts, the
 * instruction counts, the 1M-task model (from this run's results) and the scale run
 * (100,000 tasks unless --scale says otherwise, or the report of an earlier `--scale` run,
 * which takes hours on its own). Returns the report, with how long each part took; the
 * caller writes the page. Hours, not minutes, on a busy machine.
 */
export async function finalRun(
  files: FinalFiles,
  scale: ScaleSource,
  progress: (line: string) => void,
): Promise<string> {
  const timings: [string, number][] = [];
  const timed = async <T>(part: string, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const value = await run();
    const seconds = Math.round((Date.now() - started) / 1000);
    timings.push([part, seconds]);
    progress(`${part}: ${seconds} s`);
    return value;
  };
  const results = await timed('bench', () => runBench(FULL_SIZES, progress));
  const instructions = await timed('instruction counts', () =>
    runInstructions(FULL_INSTRUCTIONS, progress),
  );
  // Items 1 and 2 are held in instructions: their goals join the report's table.
  if (instructions) results.goals.push(...instructionGoals(instructions));
  await writeFile(files.results, `${JSON.stringify(results, null, 2)}\n`);
  const parts = [machineLine(), '', renderReport(results)];
  parts.push(
    instructions
      ? renderInstructions(instructions)
      : '_Instruction counts skipped: valgrind is not installed._\n',
  );
  parts.push(
    await timed('1M-task model', () =>
      runModel({
        tasks: 1_000_000,
        resultsFile: files.results,
        ddbLatencyMs: 5,
        sequentialRequests: 2,
      }),
    ),
  );
  parts.push(await timed('scale', () => scalePart(scale, progress)));
  parts.push(`Parts of this run: ${timings.map(([part, s]) => `${part} ${s} s`).join(', ')}.\n`);
  const report = parts.join('\n');
  await writeFile(files.lastRun, report);
  return report;
}

/** Runs the scale part, or reads the report an earlier `--scale` run wrote. */
export async function scalePart(
  scale: ScaleSource,
  progress: (line: string) => void,
): Promise<string> {
  if ('report' in scale) {
    progress(`scale: the report in ${scale.report}`);
    const report = await readFile(scale.report, 'utf8').catch((cause: unknown) => {
      throw new Error(
        `--scale-report ${scale.report} could not be read (${(cause as Error).message}); give the file an earlier \`npm run bench -- --scale N\` wrote, such as bench/scale-last-run.md`,
      );
    });
    return `_Scale: the report of an earlier run (${scale.report}), not re-run._\n\n${report}`;
  }
  progress(`scale, ${scale.tasks} tasks…`);
  return renderScale(await runScale({ tasks: scale.tasks, chunk: 2_000 }, progress));
}
