import {
  type AlarmNotice,
  cloudWatchHome,
  dedupeKey,
  type Fact,
  logGroupUrl,
} from './AlarmNotice.js';
import type { AlarmState } from './alarmMessage.js';
import type { BreakerMessage } from './breakerMessage.js';
import { cleanText } from './text.js';

type BreakerState = BreakerMessage['state'];

/** Open and probing are the alarm's red; closed is its green. */
const alarmState = (state: BreakerState): AlarmState => (state === 'closed' ? 'OK' : 'ALARM');

const STATE_WORDS: Record<BreakerState, string> = {
  open: 'open',
  half_open: 'half-open (probing)',
  closed: 'closed',
};

const percent = (rate: number) => `${Number((rate * 100).toPrecision(3))}%`;

function headline(m: BreakerMessage): string {
  if (m.move === 'opened') return 'opened';
  if (m.move === 'closed') return 'closed';
  return m.state === 'open' ? 'held open' : STATE_WORDS[m.state];
}

function reasonOf(m: BreakerMessage, who: string, key: string): string {
  const f = m.figures;
  if (m.state === 'closed') {
    return m.by === 'breaker'
      ? `Its probes succeeded: tasks keyed to ${key} run again.`
      : `Closed by hand by ${who}: tasks keyed to ${key} run again.`;
  }
  const cause = f
    ? `${f.failures} of ${f.attempts} attempts failed in the last ${f.windowSeconds} s (it opens at ${percent(f.failureRate)} of at least ${f.minAttempts}).`
    : m.by === 'breaker'
      ? 'It opened by itself.'
      : `Opened by hand by ${who}.`;
  const next = m.probingAt
    ? `Tasks keyed to ${key} wait; probing starts at ${m.probingAt}.`
    : `Tasks keyed to ${key} wait until someone closes it.`;
  return `${cause} ${next}`;
}

function factsOf(m: BreakerMessage, who: string, key: string): Fact[] {
  const facts: Fact[] = [
    { label: 'Breaker', value: key },
    { label: 'State', value: `${STATE_WORDS[m.state]} (was ${STATE_WORDS[m.previousState]})` },
    { label: 'Moved by', value: who },
  ];
  const f = m.figures;
  if (f) {
    const rate = f.attempts > 0 ? ` (${percent(f.failures / f.attempts)})` : '';
    facts.push({
      label: 'Failures',
      value: `${f.failures} of ${f.attempts}${rate} in ${f.windowSeconds} s`,
    });
  }
  if (m.state !== 'closed') {
    facts.push({ label: 'Probing starts', value: m.probingAt ?? 'when closed by hand' });
  }
  facts.push({ label: 'Pipeline', value: cleanText(m.pipeline) });
  return facts;
}

/**
 * The neutral notice of a breaker's move, so every chat formatter and the email render it
 * as they render an alarm: an open breaker is red, a closed one green. The link, built
 * here from checked parts, opens the consumer's log group (or CloudWatch's home).
 */
export function breakerAlarmNotice(m: BreakerMessage): AlarmNotice {
  const key = cleanText(m.key);
  const who = cleanText(m.by);
  const runbook = cleanText(m.runbook).trim();
  return {
    kind: 'circuit-breaker',
    name: `${cleanText(m.pipeline)} breaker ${key}`,
    title: `Circuit breaker ${headline(m)}: ${key}`,
    facts: factsOf(m, who, key),
    state: alarmState(m.state),
    previousState: alarmState(m.previousState),
    reason: reasonOf(m, who, key),
    ...(runbook ? { runbook } : {}),
    dimensions: [],
    region: m.region,
    account: m.account,
    time: new Date(Date.parse(m.time)).toISOString(),
    consoleUrl: m.logGroup
      ? logGroupUrl(m.partition, m.region, m.logGroup)
      : cloudWatchHome(m.partition, m.region),
    // One transition of one breaker: SNS's or Lambda's retries of it share the key.
    dedupeKey: dedupeKey(`breaker ${m.pipeline} ${m.key}`, String(m.transition)),
  };
}
