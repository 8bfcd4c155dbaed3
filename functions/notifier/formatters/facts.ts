import type { AlarmNotice, Fact } from '../AlarmNotice.js';
import type { AlarmState } from '../alarmMessage.js';

export type { Fact } from '../AlarmNotice.js';

/** What a formatter returns: the JSON body to POST and any headers of its own. */
export interface WebhookPayload {
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The longest any single fact value may be before escaping; the reason has its own budget. */
export const FACT_CHARS = 300;
/** The runbook is the point of the message: it gets more room than a fact, less than all. */
export const RUNBOOK_CHARS = 1500;

const STATE_MARKS: Record<AlarmState, string> = {
  ALARM: '🔴',
  OK: '🟢',
  INSUFFICIENT_DATA: '⚪',
};

/** `🔴 ALARM: <name>`: the line a person reads first. Raw text; escape it per target. */
export function titleOf(notice: AlarmNotice): string {
  return `${STATE_MARKS[notice.state]} ${notice.title ?? `${notice.state}: ${notice.name}`}`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** The facts of a notice, skipping what it does not have. Values are raw text. */
export function factsOf(notice: AlarmNotice): Fact[] {
  const facts: Fact[] = notice.facts ? [...notice.facts] : metricFacts(notice);
  facts.push({
    label: 'Region',
    value: notice.regionName ? `${notice.region} (${notice.regionName})` : notice.region,
  });
  facts.push({ label: 'Account', value: notice.account });
  facts.push({ label: 'Time', value: notice.time });
  return facts;
}

function metricFacts(notice: AlarmNotice): Fact[] {
  const facts: Fact[] = [
    { label: 'State', value: `${notice.state} (was ${notice.previousState})` },
  ];
  if (notice.metric) facts.push({ label: 'Metric', value: notice.metric });
  if (notice.dimensions.length) {
    facts.push({
      label: 'Dimensions',
      value: notice.dimensions.map((d) => `${d.name}=${d.value}`).join(', '),
    });
  }
  if (notice.threshold !== undefined) {
    const comparison = notice.comparison ? `${notice.comparison} ` : '';
    facts.push({ label: 'Threshold', value: `${comparison}${formatNumber(notice.threshold)}` });
  }
  if (notice.value !== undefined) facts.push({ label: 'Value', value: formatNumber(notice.value) });
  if (notice.period !== undefined && notice.evaluationPeriods !== undefined) {
    facts.push({
      label: 'Evaluation',
      value: `${notice.evaluationPeriods} × ${notice.period} s`,
    });
  }
  return facts;
}

/**
 * Shares a text budget between the runbook and the reason, the runbook first: when room
 * is short, what to do matters more than how CloudWatch worded the cause.
 */
export function splitBudget(budget: number): { runbookChars: number; reasonChars: number } {
  const runbookChars = Math.min(RUNBOOK_CHARS, budget);
  return { runbookChars, reasonChars: budget - runbookChars };
}

/**
 * The largest budget in [0, start] for which `build(budget)` measures at most `max`, or the
 * build at budget 0 when nothing fits (the caller then cuts it as a last resort).
 */
export function fitBudget<T>(
  build: (budget: number) => T,
  measure: (built: T) => number,
  max: number,
  start: number,
): T {
  const first = build(start);
  if (measure(first) <= max) return first;
  let lo = 0;
  let hi = start;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(build(mid)) <= max) lo = mid;
    else hi = mid - 1;
  }
  return build(lo);
}

/** UTF-8 size of a value as JSON. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
