import * as z from 'zod';
import { AlarmMessageError } from './errors.js';

/**
 * The CloudWatch alarm notification that SNS delivers as `Sns.Message`. Only the fields the
 * notifier reads are declared; anything else AWS adds is kept out of the way, not rejected.
 */

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

// Partition, region and account are taken from the ARN; checking their shape here means the
// console link built from them can never point anywhere but the AWS console.
export const ALARM_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):cloudwatch:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):alarm:.+$/s;

const nullableText = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

/** `{ name, value }` as alarm messages spell it, or `{ Name, Value }` as the API does. */
const dimensionSchema = z
  .union([
    z.looseObject({ name: z.string(), value: z.string() }),
    z.looseObject({ Name: z.string(), Value: z.string() }),
  ])
  .transform((d): { name: string; value: string } =>
    typeof d.name === 'string'
      ? { name: d.name, value: String(d.value) }
      : { name: String(d.Name), value: String(d.Value) },
  );

const metricStatSchema = z.looseObject({
  Metric: z.looseObject({
    MetricName: z.string(),
    Namespace: z.string(),
    Dimensions: z.array(dimensionSchema).nullish(),
  }),
  Stat: z.string().nullish(),
  Period: z.number().nullish(),
});

/** One entry of `Trigger.Metrics` (metric-math alarms). */
export const metricDataQuerySchema = z.looseObject({
  Id: z.string(),
  Expression: nullableText,
  Label: nullableText,
  ReturnData: z.boolean().nullish(),
  MetricStat: metricStatSchema.nullish(),
});

export const triggerSchema = z.looseObject({
  MetricName: nullableText,
  Namespace: nullableText,
  Statistic: nullableText,
  ExtendedStatistic: nullableText,
  Unit: nullableText,
  Dimensions: z.array(dimensionSchema).nullish(),
  Metrics: z.array(metricDataQuerySchema).nullish(),
  Threshold: z.number().nullish(),
  ComparisonOperator: nullableText,
  Period: z.number().nullish(),
  EvaluationPeriods: z.number().nullish(),
  DatapointsToAlarm: z.number().nullish(),
  TreatMissingData: nullableText,
});

export const alarmMessageSchema = z.looseObject({
  AlarmName: z.string().min(1),
  AlarmDescription: nullableText,
  AWSAccountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  NewStateValue: z.enum(ALARM_STATES),
  OldStateValue: z.enum(ALARM_STATES),
  NewStateReason: z.string(),
  StateChangeTime: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'must be a timestamp'),
  /** A display name such as "US East (N. Virginia)"; the code comes from `AlarmArn`. */
  Region: nullableText,
  AlarmArn: z.string().regex(ALARM_ARN, 'must be a CloudWatch alarm ARN'),
  /** Absent for composite alarms. */
  Trigger: triggerSchema.nullish(),
});

export type AlarmMessage = z.output<typeof alarmMessageSchema>;
export type AlarmTrigger = z.output<typeof triggerSchema>;

/**
 * Parses an SNS message body as a CloudWatch alarm notification.
 *
 * @throws AlarmMessageError when it is not JSON or lacks what a notice needs, with the
 *   zod issues.
 */
export function parseAlarmMessage(text: string): AlarmMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AlarmMessageError('SNS message is not JSON, so it cannot be a CloudWatch alarm');
  }
  const parsed = alarmMessageSchema.safeParse(json);
  if (!parsed.success) {
    throw AlarmMessageError.fromZod(
      'SNS message is not a CloudWatch alarm notification',
      parsed.error,
    );
  }
  return parsed.data;
}
