import { createHash } from 'node:crypto';
import {
  ALARM_ARN,
  type AlarmMessage,
  type AlarmState,
  type AlarmTrigger,
} from './alarmMessage.js';
import { cleanText } from './text.js';

/** A label and its raw (unescaped) value, in the order every target shows them. */
export interface Fact {
  label: string;
  value: string;
}

/** A metric dimension. */
export interface Dimension {
  name: string;
  value: string;
}

/**
 * What an alarm notification says, independent of any chat service. Text fields are
 * cleaned of invisible characters but not escaped: each formatter escapes for its target.
 */
export interface AlarmNotice {
  /** What the notice is about when it is not a CloudWatch alarm. */
  kind?: 'circuit-breaker';
  name: string;
  /** The first line after the state mark, when it is not `STATE: name`. */
  title?: string;
  /** What the notice says instead of a metric's facts (region, account and time follow). */
  facts?: Fact[];
  state: AlarmState;
  previousState: AlarmState;
  reason: string;
  /** What to do next, from the alarm description (the infra writes the runbook there). */
  runbook?: string;
  /** `Namespace/MetricName (Statistic)`, or `metric math: <expression>`. */
  metric?: string;
  dimensions: Dimension[];
  threshold?: number;
  /** `>=`, `>`, `<`, `<=`, or a phrase for anomaly-detection bands. */
  comparison?: string;
  /** The newest datapoint quoted in the state reason, when there is one. */
  value?: number;
  /** Seconds per evaluation period. */
  period?: number;
  evaluationPeriods?: number;
  /** Region code, from the alarm ARN (`us-east-1`). */
  region: string;
  /** Region display name as CloudWatch sent it ("US East (N. Virginia)"). */
  regionName?: string;
  account: string;
  /** State change time, ISO 8601 UTC. */
  time: string;
  /** The alarm's page in the CloudWatch console. */
  consoleUrl: string;
  /** Stable for one state change of one alarm: a receiver can drop repeats with it. */
  dedupeKey: string;
}

const COMPARISONS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '>=',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
  LessThanLowerThreshold: 'below the band',
  GreaterThanUpperThreshold: 'above the band',
};

const CONSOLE_HOSTS: Record<string, (region: string) => string> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-cn': (region) => `${region}.console.amazonaws.cn`,
  'aws-us-gov': (region) => `${region}.console.amazonaws-us-gov.com`,
};

// "[12.0 (27/11/26 10:00:00), 3.0 (27/11/26 09:59:00)]": the first datapoint is the newest.
const DATAPOINT =
  /\[\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?) \(\d{2}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\)/;

/** The newest datapoint value quoted in a state reason, if any. */
export function valueFromReason(reason: string): number | undefined {
  const match = DATAPOINT.exec(reason);
  if (!match?.[1]) return undefined;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : undefined;
}

// encodeURIComponent leaves !'()* alone; a ")" would end a markdown link early.
function encodeAll(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The CloudWatch console's home in a region; a fragment picks a page. */
export function cloudWatchHome(partition: string, region: string): string {
  const host = (CONSOLE_HOSTS[partition] ?? CONSOLE_HOSTS.aws!)(region);
  return `https://${host}/cloudwatch/home?region=${region}`;
}

/** The CloudWatch console page of an alarm. */
export function consoleUrl(partition: string, region: string, alarmName: string): string {
  return `${cloudWatchHome(partition, region)}#alarmsV2:alarm/${encodeAll(alarmName)}`;
}

/** The CloudWatch console page of a log group (the console escapes `%` once more, as `$25`). */
export function logGroupUrl(partition: string, region: string, logGroup: string): string {
  const path = encodeAll(logGroup).replace(/%/g, '$25');
  return `${cloudWatchHome(partition, region)}#logsV2:log-groups/log-group/${path}`;
}

// "MAXIMUM" → "Maximum"; extended statistics ("p99") stay as they are.
function statisticLabel(trigger: AlarmTrigger): string | undefined {
  if (trigger.ExtendedStatistic) return trigger.ExtendedStatistic;
  const s = trigger.Statistic;
  return s ? s.charAt(0).toUpperCase() + s.slice(1).toLowerCase() : undefined;
}

function describeMetric(trigger: AlarmTrigger): { metric?: string; dimensions: Dimension[] } {
  if (trigger.MetricName) {
    const stat = statisticLabel(trigger);
    const name = trigger.Namespace
      ? `${trigger.Namespace}/${trigger.MetricName}`
      : trigger.MetricName;
    return { metric: stat ? `${name} (${stat})` : name, dimensions: trigger.Dimensions ?? [] };
  }
  const queries = trigger.Metrics ?? [];
  // The alarm evaluates the one query that returns data.
  const returned =
    queries.find((q) => q.ReturnData === true) ?? queries.find((q) => q.Expression) ?? queries[0];
  if (!returned) return { dimensions: [] };
  if (returned.Expression) return { metric: `metric math: ${returned.Expression}`, dimensions: [] };
  const stat = returned.MetricStat;
  if (!stat) return { metric: returned.Label ?? returned.Id, dimensions: [] };
  const suffix = stat.Stat ? ` (${stat.Stat})` : '';
  return {
    metric: `${stat.Metric.Namespace}/${stat.Metric.MetricName}${suffix}`,
    dimensions: stat.Metric.Dimensions ?? [],
  };
}

/** The dedupe key of one state change: a hash, so it is safe in any header or id. */
export function dedupeKey(alarmName: string, stateChangeTime: string): string {
  return createHash('sha256').update(`${alarmName}\n${stateChangeTime}`).digest('hex');
}

/** Builds the neutral notice from a parsed alarm message. */
export function alarmNoticeFrom(message: AlarmMessage): AlarmNotice {
  // The schema already checked the ARN against this pattern.
  const [, partition = 'aws', region = '', account = ''] = ALARM_ARN.exec(message.AlarmArn) ?? [];
  const trigger = message.Trigger ?? undefined;
  const { metric, dimensions } = trigger ? describeMetric(trigger) : { dimensions: [] };
  const runbook = cleanText(message.AlarmDescription ?? '').trim();
  const value = valueFromReason(message.NewStateReason);
  return {
    name: cleanText(message.AlarmName),
    state: message.NewStateValue,
    previousState: message.OldStateValue,
    reason: cleanText(message.NewStateReason),
    ...(runbook ? { runbook } : {}),
    ...(metric ? { metric: cleanText(metric) } : {}),
    dimensions: dimensions.map((d) => ({ name: cleanText(d.name), value: cleanText(d.value) })),
    ...(trigger?.Threshold != null ? { threshold: trigger.Threshold } : {}),
    ...(trigger?.ComparisonOperator
      ? {
          comparison:
            COMPARISONS[trigger.ComparisonOperator] ?? cleanText(trigger.ComparisonOperator),
        }
      : {}),
    ...(value !== undefined ? { value } : {}),
    ...(trigger?.Period != null ? { period: trigger.Period } : {}),
    ...(trigger?.EvaluationPeriods != null ? { evaluationPeriods: trigger.EvaluationPeriods } : {}),
    region,
    ...(message.Region ? { regionName: cleanText(message.Region) } : {}),
    account: message.AWSAccountId || account,
    time: new Date(Date.parse(message.StateChangeTime)).toISOString(),
    // Built from the raw name: the console must find the alarm as CloudWatch spells it.
    consoleUrl: consoleUrl(partition, region, message.AlarmName),
    dedupeKey: dedupeKey(message.AlarmName, message.StateChangeTime),
  };
}
