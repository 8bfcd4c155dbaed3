import cliProgress from 'cli-progress';
import type { Output } from './output.js';

/** Progress of a known number of steps. */
export interface Progress {
  update(value: number, total?: number): void;
  increment(): void;
  stop(): void;
}

const inert: Progress = { update() {}, increment() {}, stop() {} };

/** Least time between two plain progress lines. */
const LINE_EVERY_MS = 10_000;

function progressLines(label: string, initialTotal: number): Progress {
  let total = initialTotal;
  let last = Date.now();
  return {
    update(value, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      if (Date.now() - last < LINE_EVERY_MS) return;
      last = Date.now();
      process.stderr.write(`${label}: ${value}/${total}\n`);
    },
    increment() {},
    stop() {},
  };
}

/**
 * A progress bar on stderr. Off a terminal it prints a plain line now and then instead
 * (for logs); with `--json` it prints nothing.
 */
export function progressBar(out: Output, label: string, total: number): Progress {
  if (out.json) return inert;
  if (!process.stderr.isTTY) return progressLines(label, total);
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
