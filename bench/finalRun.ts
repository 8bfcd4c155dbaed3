import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
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

/**
 * `npm run bench -- --final [--scale N]`: every figure of docs/performance.md from one run of
 * the code as it is: the bench's parts, the instruction counts, the 1M-task model (from
 * this run's results) and the scale run (100,000 tasks unless --scale says otherwise).
 * Returns the report; the caller writes the page. Hours, not minutes, on a busy machine.
 */
export async function finalRun(
  files: FinalFiles,
  scaleTasks: number,
  progress: (line: string) => void,
): Promise<string> {
  const results = await runBench(FULL_SIZES, progress);
  await writeFile(files.results, `${JSON.stringify(results, null, 2)}\n`);
  const parts = [machineLine(), '', renderReport(results)];
  const instructions = await runInstructions(FULL_INSTRUCTIONS, progress);
  parts.push(
    instructions
      ? renderInstructions(instructions)
      : '_Instruction counts skipped: valgrind is not installed._\n',
  );
  parts.push(
    await runModel({
      tasks: 1_000_000,
      resultsFile: files.results,
      ddbLatencyMs: 5,
      sequentialRequests: 2,
    }),
  );
  progress(`scale, ${scaleTasks} tasks…`);
  parts.push(renderScale(await runScale({ tasks: scaleTasks, chunk: 2_000 }, progress)));
  const report = parts.join('\n');
  await writeFile(files.lastRun, report);
  return report;
}
