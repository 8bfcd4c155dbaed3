import {
  type Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { AlarmsDefinition } from '../../../definition/index.js';
import { TASK_METRICS, type TaskMetricFactory, type TaskMetricName } from '../taskMetrics.js';
import type { AlarmFactory } from './AlarmFactory.js';

/** An alarm may retrieve at most 10 metrics; the failure rate needs two per task type. */
export const FAILURE_RATE_TYPES_PER_ALARM = 5;
export const DURATION_TYPES_PER_ALARM = 10;

export interface TaskAlarmsProps {
  readonly metrics: TaskMetricFactory;
  /** The registered task types, the only ones the consumer reports metrics for. */
  readonly taskTypes: readonly string[];
  readonly settings: Pick<AlarmsDefinition, 'taskFailureRate' | 'durationNearTimeout'>;
  /** The consumer's Lambda timeout. */
  readonly timeoutSeconds: number;
  /** Each task type's timeoutMs, from the registry. */
  readonly taskTimeoutsMs?: Readonly<Record<string, number>>;
  /** The stack with the table and queues, which the CLI's `--stack` names. */
  readonly stateStackName: string;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `Name`, `Name2`, `Name3`…: the first alarm keeps the plain id. */
const nth = (base: string, i: number, sep = '') => (i === 0 ? base : `${base}${sep}${i + 1}`);

/**
 * Failed ÷ (succeeded + failed) × 100 over the given task types, or 0 while fewer than
 * `minimumVolume` tasks finish in a period. Summed over explicit per-type metrics because
 * alarms cannot use SEARCH; a missing datapoint counts as 0.
 */
export function failureRateExpression(
  metrics: TaskMetricFactory,
  taskTypes: readonly string[],
  minimumVolume: number,
): MathExpression {
  const sum = (prefix: string, metricName: TaskMetricName) => {
    const using: Record<string, IMetric> = {};
    taskTypes.forEach((type, i) => {
      using[`${prefix}${i}`] = metrics.forType(metricName, type, 'Sum');
    });
    return new MathExpression({
      expression: Object.keys(using)
        .map((id) => `FILL(${id}, 0)`)
        .join(' + '),
      usingMetrics: using,
      period: metrics.period,
    });
  };
  return new MathExpression({
    expression: `IF(failed + succeeded >= ${minimumVolume}, 100 * failed / (failed + succeeded), 0)`,
    usingMetrics: {
      failed: sum('f', TASK_METRICS.failed),
      succeeded: sum('s', TASK_METRICS.succeeded),
    },
    label: `task failure rate (%), 0 below ${minimumVolume} finished tasks`,
    period: metrics.period,
  });
}

/** The largest p99 task duration among the given task types, in milliseconds. */
/**
 * The largest p99 duration as a percentage of its own task type's timeout: each type is
 * aborted at its own timeoutMs, so that (not the Lambda's) is what "near the timeout" means.
 */
export function durationP99Expression(
  metrics: TaskMetricFactory,
  taskTypes: readonly string[],
  timeoutMsOf: (type: string) => number,
): IMetric {
  const using: Record<string, IMetric> = {};
  const parts = taskTypes.map((type, i) => {
    using[`d${i}`] = metrics.forType(TASK_METRICS.duration, type, 'p99');
    return `d${i} * 100 / ${timeoutMsOf(type)}`;
  });
  return new MathExpression({
    expression: parts.length === 1 ? parts[0]! : `MAX([${parts.join(', ')}])`,
    usingMetrics: using,
    label: 'largest p99 task duration (% of its timeout)',
    period: metrics.period,
  });
}

/** Task failure rate and p99 duration near the consumer timeout, from the EMF metrics. */
export function taskAlarms(factory: AlarmFactory, props: TaskAlarmsProps): Alarm[] {
  const { metrics, taskTypes, settings } = props;
  const rate = settings.taskFailureRate;
  const failure = chunks(taskTypes, FAILURE_RATE_TYPES_PER_ALARM).map((types, i) =>
    factory.create({
      id: nth('TaskFailureRate', i),
      name: nth('task-failure-rate', i, '-'),
      kind: 'taskFailureRate',
      metric: failureRateExpression(metrics, types, rate.minimumVolume),
      settings: rate,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // The expression is 0 without tasks; missing data only means no metrics yet.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      runbook: `More than ${rate.threshold}% of tasks (${types.join(', ')}) fail, over at least ${rate.minimumVolume} finished tasks per period. List them with \`npx taskpipe list --status FAILED --stack ${props.stateStackName}\`; the failure reason and error code are on each task and in the consumer logs.`,
    }),
  );
  const near = settings.durationNearTimeout;
  // A type without a known policy is held to the consumer's own timeout.
  const timeoutMsOf = (type: string) => props.taskTimeoutsMs?.[type] ?? props.timeoutSeconds * 1000;
  const duration = chunks(taskTypes, DURATION_TYPES_PER_ALARM).map((types, i) =>
    factory.create({
      id: nth('DurationNearTimeout', i),
      name: nth('duration-near-timeout', i, '-'),
      kind: 'durationNearTimeout',
      metric: durationP99Expression(metrics, types, timeoutMsOf),
      settings: near,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No tasks ran, so none ran long.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      runbook: `The p99 duration of a task type (${types.join(', ')}) is above ${near.threshold}% of that type's timeoutMs: its tasks are about to time out and retry. Find the slow type on the dashboard; cut its downstream latency, or raise its timeoutMs (within consumer.timeoutSeconds ${props.timeoutSeconds} s).`,
    }),
  );
  return [...failure, ...duration].filter((a): a is Alarm => a !== undefined);
}
