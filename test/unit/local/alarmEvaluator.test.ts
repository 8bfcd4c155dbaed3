import { describe, expect, it } from 'vitest';
import {
  AlarmEvaluator,
  type AlarmTransition,
  type LocalAlarm,
} from '../../../local/alarms/AlarmEvaluator.js';
import { cloudWatchAlarmMessage } from '../../../local/alarms/cloudWatchAlarmMessage.js';

function alarmWith(values: (number | undefined)[], evaluationPeriods = 1): LocalAlarm {
  let i = 0;
  return {
    name: 'tp-default-dlq-not-empty',
    description: 'redrive with: npx taskpipe redrive --queue default',
    metric: {
      namespace: 'AWS/SQS',
      name: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
      dimensions: { QueueName: 'tp-default-dlq' },
    },
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    evaluationPeriods,
    observe: async () => values[i++],
  };
}

async function run(alarm: LocalAlarm, ticks: number): Promise<AlarmTransition[]> {
  const seen: AlarmTransition[] = [];
  const evaluator = new AlarmEvaluator(
    [alarm],
    async (t) => {
      seen.push(t);
    },
    () => 0,
  );
  for (let i = 0; i < ticks; i++) await evaluator.tick();
  return seen;
}

describe('AlarmEvaluator', () => {
  it('fires on a breach and announces the recovery', async () => {
    const seen = await run(alarmWith([0, 2, 3, 0, 0]), 5);
    expect(seen.map((t) => `${t.oldState}->${t.newState}`)).toEqual(['OK->ALARM', 'ALARM->OK']);
    expect(seen[0]?.value).toBe(2);
    expect(seen[0]?.reason).toContain('[2] greater than or equal to the threshold (1)');
  });

  it('waits for evaluationPeriods breaches in a row', async () => {
    const seen = await run(alarmWith([2, 0, 2, 2, 2], 3), 5);
    expect(seen.map((t) => t.newState)).toEqual(['ALARM']);
  });

  it('treats a period without data as not breaching', async () => {
    const seen = await run(alarmWith([undefined, 5, undefined]), 3);
    expect(seen.map((t) => t.newState)).toEqual(['ALARM', 'OK']);
  });

  it('carries its states across a restart: no second ALARM, and the OK still comes', async () => {
    const before = new AlarmEvaluator([alarmWith([2])], async () => undefined);
    await before.tick();
    const saved = before.snapshot();
    expect(saved).toEqual({ 'tp-default-dlq-not-empty': { state: 'ALARM', breaches: 1 } });

    const seen: AlarmTransition[] = [];
    const after = new AlarmEvaluator([alarmWith([3, 0])], async (t) => {
      seen.push(t);
    });
    after.restore({ ...saved, 'an-alarm-since-removed': { state: 'ALARM', breaches: 9 } });
    await after.tick();
    await after.tick();
    expect(seen.map((t) => `${t.oldState}->${t.newState}`)).toEqual(['ALARM->OK']);
    expect(after.state('an-alarm-since-removed')).toBeUndefined();
  });

  it('renders the CloudWatch SNS message shape', async () => {
    const [t] = await run(alarmWith([4]), 1);
    const message = cloudWatchAlarmMessage(t!, 'us-east-1');
    expect(message).toMatchObject({
      AlarmName: 'tp-default-dlq-not-empty',
      NewStateValue: 'ALARM',
      OldStateValue: 'INSUFFICIENT_DATA',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:tp-default-dlq-not-empty',
      Trigger: { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 },
    });
  });
});
