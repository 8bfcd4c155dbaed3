import cliProgress from 'cli-progress';
import type { Output } from './output.js';

/** A progress bar on stderr; does nothing when stderr is not a terminal or with `--json`. */
export interface Progress {
  update(value: number, total?: number): void;
  increment(): void;
  stop(): void;
}

const inert: Progress = { update() {}, increment() {}, stop() {} };

export function progressBar(out: Output, label: string, total: number): Progress {
  if (out.json || !process.stderr.isTTY) return inert;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} {percentage}% | {duration_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update(value, newTotal) {
      if (newTotal !== undefined) bar.setTotal(newTotal);
      bar.update(value);
    },
    increment: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
