import type { AlarmTransition } from './AlarmEvaluator.js';

const ACCOUNT = '000000000000';

/**
 * The JSON CloudWatch publishes to SNS for an alarm state change, so the notifier reads
 * local alarms exactly as it reads real ones.
 */
export function cloudWatchAlarmMessage(
  t: AlarmTransition,
  region: string,
): Record<string, unknown> {
  const { alarm } = t;
  return {
    AlarmName: alarm.name,
    AlarmDescription: alarm.description,
    AWSAccountId: ACCOUNT,
    AlarmConfigurationUpdatedTimestamp: new Date(t.at).toISOString(),
    NewStateValue: t.newState,
    NewStateReason: t.reason,
    StateChangeTime: new Date(t.at).toISOString().replace('Z', '+0000'),
    Region: region === 'us-east-1' ? 'US East (N. Virginia)' : region,
    AlarmArn: `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${alarm.name}`,
    OldStateValue: t.oldState,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: alarm.metric.name,
      Namespace: alarm.metric.namespace,
      StatisticType: 'Statistic',
      Statistic: alarm.metric.statistic.toUpperCase(),
      Unit: null,
      Dimensions: Object.entries(alarm.metric.dimensions).map(([name, value]) => ({ name, value })),
      Period: 60,
      EvaluationPeriods: alarm.evaluationPeriods,
      DatapointsToAlarm: alarm.evaluationPeriods,
      ComparisonOperator: alarm.comparison,
      Threshold: alarm.threshold,
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: '',
    },
  };
}
