import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  type ComparisonOperator,
  type IMetric,
  type TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { AlarmName } from '../../../definition/alarms.js';

/** The period every taskpipe alarm evaluates. */
export const ALARM_PERIOD = Duration.minutes(5);

/** An alarm's tunable settings, as the pipeline definition holds them. */
export interface AlarmToggle {
  /** `false`: the alarm is not created. */
  readonly enabled: boolean;
  readonly threshold: number;
  /** Consecutive periods over the threshold before the alarm fires. */
  readonly evaluationPeriods: number;
}

export interface AlarmSpec {
  /** Construct id, also the end of the alarm name (`<stack>-<name>`). */
  readonly id: string;
  /** Readable name suffix, e.g. `high-dlq-not-empty`. */
  readonly name: string;
  /** Which alarm of the definition this is; webhooks can subscribe to kinds. */
  readonly kind?: AlarmName;
  readonly metric: IMetric;
  readonly settings: AlarmToggle;
  readonly comparison: ComparisonOperator;
  /**
   * The threshold CloudWatch compares with.
   * @default settings.threshold
   */
  readonly threshold?: number;
  readonly treatMissingData: TreatMissingData;
  /** The runbook line the notifier shows: what is wrong and what to do next. */
  readonly runbook: string;
}

export interface AlarmFactoryProps {
  /** Receives every alarm's ALARM and OK transitions. */
  readonly topic: ITopic;
}

/**
 * The one place alarms are made: it names them after their stack, notifies the topic on
 * ALARM and on OK (so recovery is announced too), and puts the runbook in the description.
 */
export class AlarmFactory {
  readonly #scope: Construct;
  readonly #action: SnsAction;
  readonly #alarms: Alarm[] = [];
  readonly #namesByKind = new Map<AlarmName, string[]>();

  constructor(scope: Construct, props: AlarmFactoryProps) {
    this.#scope = scope;
    this.#action = new SnsAction(props.topic);
  }

  /** Every alarm made so far, in creation order. */
  get alarms(): readonly Alarm[] {
    return this.#alarms;
  }

  /** The names of the alarms made so far of one kind (tokens until deploy). */
  alarmNamesOf(kind: AlarmName): readonly string[] {
    return this.#namesByKind.get(kind) ?? [];
  }

  /** The alarm, or undefined when its settings switch it off. */
  create(spec: AlarmSpec): Alarm | undefined {
    if (!spec.settings.enabled) return undefined;
    const alarmName = `${Stack.of(this.#scope).stackName}-${spec.name}`;
    const alarm = new Alarm(this.#scope, spec.id, {
      alarmName,
      alarmDescription: spec.runbook,
      metric: spec.metric,
      threshold: spec.threshold ?? spec.settings.threshold,
      evaluationPeriods: spec.settings.evaluationPeriods,
      comparisonOperator: spec.comparison,
      treatMissingData: spec.treatMissingData,
    });
    alarm.addAlarmAction(this.#action);
    alarm.addOkAction(this.#action);
    this.#alarms.push(alarm);
    if (spec.kind) this.#namesByKind.set(spec.kind, [...this.alarmNamesOf(spec.kind), alarmName]);
    return alarm;
  }
}
