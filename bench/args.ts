import type { ScaleSource } from './finalRun.js';

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

/** `--scale-report FILE` (a report `--scale N` wrote), else `--scale N` (default 100,000). */
export function scaleSource(args: string[]): ScaleSource {
  const at = args.indexOf('--scale-report');
  if (at < 0) return { tasks: numberAfter(args, '--scale') ?? 100_000 };
  const report = args[at + 1];
  if (!report || report.startsWith('--')) {
    throw new Error(
      `--scale-report takes a file, such as bench/scale-last-run.md (got ${report ?? 'nothing'})`,
    );
  }
  if (args.includes('--scale')) throw new Error('give --scale N or --scale-report FILE, not both');
  return { report };
}
