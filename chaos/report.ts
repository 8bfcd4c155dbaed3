import type { TaskRecord } from '../functions/core/status.js';
import { FAULTS, type FaultLog, type FaultName, type FaultRates } from './faults.js';
import type { InvariantResult } from './invariants.js';

export interface ChaosSummary {
  tasks: number;
  seed: number;
  rates: FaultRates;
  faults: FaultLog;
  invariants: InvariantResult[];
  taskRows: Map<string, TaskRecord>;
  poisonSent: number;
  poisonInDlq: number;
  resubmitted: number;
  runtimeMs: number;
}

/** Final states of the tasks a fault touched, such as `SUCCEEDED 310 · FAILED 4`. */
function outcome(name: FaultName, s: ChaosSummary): string {
  if (name === 'poison') return `${s.poisonInDlq} DLQ copies for ${s.poisonSent} sent`;
  const tally = s.faults.tallies.get(name)!;
  const states = new Map<string, number>();
  for (const id of tally.tasks) {
    const row = s.taskRows.get(id);
    const state = row ? row.status : 'no row (not a task)';
    const reason = (row?.lastError?.details as { reason?: string } | undefined)?.reason;
    const key = row?.status === 'FAILED' && reason ? `FAILED (${reason})` : state;
    states.set(key, (states.get(key) ?? 0) + 1);
  }
  const parts = [...states].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
  if (name === 'sqs-send') parts.unshift(`${s.resubmitted} entries resubmitted`);
  return parts.join(' · ') || '—';
}

/**
 * A Markdown table with padded columns, laid out as the repository's formatter lays them
 * out, so the written report can be pasted into docs/reliability.md unchanged.
 */
function table(header: string[], right: boolean[], rows: string[][]): string[] {
  const widths = header.map((h, i) =>
    Math.max(3, [...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)),
  );
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - [...cell].length);
    return right[i] ? fill + cell : cell + fill;
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}

/** The run as Markdown: the faults injected and their outcome, then every invariant. */
export function renderReport(s: ChaosSummary): string {
  const faultRows = (Object.keys(FAULTS) as FaultName[]).map((name) => {
    const tally = s.faults.tallies.get(name)!;
    return [
      `${name}: ${FAULTS[name]}`,
      String(s.rates[name]),
      String(tally.injected),
      String(tally.tasks.size),
      outcome(name, s),
    ];
  });
  const invariantRows = s.invariants.map((i) => [i.name, i.pass ? 'PASS' : 'FAIL', i.detail]);
  return `${[
    `Chaos run: ${s.tasks} tasks, seed ${s.seed}, ${(s.runtimeMs / 1000).toFixed(1)} s in all.`,
    '',
    ...table(
      ['fault', 'rate', 'injected', 'tasks touched', 'outcome (final state of those tasks)'],
      [false, true, true, true, false],
      faultRows,
    ),
    '',
    ...table(['invariant', 'result', 'detail'], [false, false, false], invariantRows),
  ].join('\n')}\n`;
}
