/**
 * Flow-control invariants over recorded start (and end) times, for the chaos run and the
 * tests: the definitions of docs/flow-control.md, checked on what happened.
 */

/**
 * The windows in which more than `burst + perSecond × w` tasks started, `w` being the
 * window's length in seconds. Every window that could break the bound starts and ends at
 * a start, so the pairs of starts are all the windows there are to check.
 */
export function rateViolations(
  startsMs: readonly number[],
  policy: { perSecond: number; burst: number },
): { from: number; to: number; started: number; allowed: number }[] {
  const starts = [...startsMs].sort((a, b) => a - b);
  const out: { from: number; to: number; started: number; allowed: number }[] = [];
  for (let i = 0; i < starts.length; i++) {
    for (let j = i + policy.burst; j < starts.length; j++) {
      const from = starts[i] as number;
      const to = starts[j] as number;
      const allowed = policy.burst + (policy.perSecond * (to - from)) / 1000;
      const started = j - i + 1;
      if (started > allowed) out.push({ from, to, started, allowed });
    }
  }
  return out;
}

/** The most runs of one key that overlapped in time, per key. */
export function peakConcurrency(
  runs: readonly { key: string; startMs: number; endMs: number }[],
): Map<string, number> {
  const byKey = new Map<string, { at: number; delta: number }[]>();
  for (const run of runs) {
    const events = byKey.get(run.key) ?? [];
    events.push({ at: run.startMs, delta: 1 }, { at: run.endMs, delta: -1 });
    byKey.set(run.key, events);
  }
  const peaks = new Map<string, number>();
  for (const [key, events] of byKey) {
    // Ends before starts at the same instant: a run that ended frees its slot.
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let running = 0;
    let peak = 0;
    for (const event of events) {
      running += event.delta;
      peak = Math.max(peak, running);
    }
    peaks.set(key, peak);
  }
  return peaks;
}
