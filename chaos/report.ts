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

/** The run as Markdown: the faults injected and their outcome, then every invariant. */
export function renderReport(s: ChaosSummary): string {
  const lines = [
    `Chaos run: ${s.tasks} tasks, seed ${s.seed}, ${(s.runtimeMs / 1000).toFixed(1)} s in all.`,
    '',
    '| fault | rate | injected | tasks touched | outcome (final state of those tasks) |',
    '|---|---:|---:|---:|---|',
  ];
  for (const name of Object.keys(FAULTS) as FaultName[]) {
    const tally = s.faults.tallies.get(name)!;
    lines.push(
      `| ${name}: ${FAULTS[name]} | ${s.rates[name]} | ${tally.injected} | ${tally.tasks.size} | ${outcome(name, s)} |`,
    );
  }
  lines.push('', '| invariant | result | detail |', '|---|---|---|');
  for (const inv of s.invariants) {
    lines.push(`| ${inv.name} | ${inv.pass ? 'PASS' : 'FAIL'} | ${inv.detail} |`);
  }
  return `${lines.join('\n')}\n`;
}
