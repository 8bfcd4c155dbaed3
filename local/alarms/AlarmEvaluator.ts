/** One alarm the local runtime can evaluate, from the same definition as CloudWatch's. */
export interface LocalAlarm {
  /** e.g. `taskpipe-default-dlq-not-empty`. */
  name: string;
  /** The runbook line, as on AWS. */
  description: string;
  metric: {
    namespace: string;
    name: string;
    statistic: string;
    dimensions: Record<string, string>;
  };
  threshold: number;
  comparison: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold';
  evaluationPeriods: number;
  /** Reads the value for the period that just ended; undefined = no data (treated as OK). */
  observe(): Promise<number | undefined>;
}

export interface AlarmTransition {
  alarm: LocalAlarm;
  oldState: AlarmState;
  newState: AlarmState;
  value: number | undefined;
  reason: string;
  at: number;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/**
 * Evaluates alarms once per period, the way CloudWatch does for a simple threshold: ALARM
 * after `evaluationPeriods` breaching periods in a row, OK after one that does not breach.
 */
export class AlarmEvaluator {
  readonly #states = new Map<string, { state: AlarmState; breaches: number }>();

  constructor(
    private readonly alarms: readonly LocalAlarm[],
    private readonly onTransition: (transition: AlarmTransition) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {
    for (const alarm of alarms)
      this.#states.set(alarm.name, { state: 'INSUFFICIENT_DATA', breaches: 0 });
  }

  /** Evaluates every alarm for the period that just ended. */
  async tick(): Promise<void> {
    for (const alarm of this.alarms) {
      const value = await alarm.observe();
      const current = this.#states.get(alarm.name)!;
      const breaching = value !== undefined && breaches(alarm, value);
      const breachCount = breaching ? current.breaches + 1 : 0;
      const next: AlarmState = breachCount >= alarm.evaluationPeriods ? 'ALARM' : 'OK';
      this.#states.set(alarm.name, { state: next, breaches: breachCount });
      // The first evaluation settles INSUFFICIENT_DATA → OK silently, as a new alarm does.
      if (next === current.state || (current.state === 'INSUFFICIENT_DATA' && next === 'OK'))
        continue;
      await this.onTransition({
        alarm,
        oldState: current.state,
        newState: next,
        value,
        reason: reasonFor(alarm, value, breachCount, next),
        at: this.now(),
      });
    }
  }

  /** Every alarm with its runbook line and current state. */
  overview(): { name: string; description: string; state: AlarmState }[] {
    return this.alarms.map((a) => ({
      name: a.name,
      description: a.description,
      state: this.#states.get(a.name)?.state ?? 'INSUFFICIENT_DATA',
    }));
  }

  state(name: string): AlarmState | undefined {
    return this.#states.get(name)?.state;
  }

  /** Every alarm's state and breach count, to carry across a restart. */
  snapshot(): Record<string, { state: AlarmState; breaches: number }> {
    return Object.fromEntries([...this.#states].map(([name, s]) => [name, { ...s }]));
  }

  /** Takes back saved states; alarms the definition no longer has are ignored. */
  restore(saved: Record<string, { state: AlarmState; breaches: number }>): void {
    for (const [name, s] of Object.entries(saved))
      if (this.#states.has(name)) this.#states.set(name, { ...s });
  }
}

function breaches(alarm: LocalAlarm, value: number): boolean {
  return alarm.comparison === 'GreaterThanThreshold'
    ? value > alarm.threshold
    : value >= alarm.threshold;
}

function reasonFor(alarm: LocalAlarm, value: number | undefined, count: number, state: AlarmState) {
  const op =
    alarm.comparison === 'GreaterThanThreshold' ? 'greater than' : 'greater than or equal to';
  const shown = value === undefined ? 'no datapoint' : `[${value}]`;
  return state === 'ALARM'
    ? `Threshold Crossed: ${count} datapoint(s) ${shown} ${op} the threshold (${alarm.threshold}).`
    : `Threshold Crossed: 1 datapoint ${shown} was not ${op} the threshold (${alarm.threshold}).`;
}
