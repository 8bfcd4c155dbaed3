import { describe, expect, it } from 'vitest';
import {
  alarmNoticeFrom,
  dedupeKey,
  valueFromReason,
} from '../../../functions/notifier/AlarmNotice.js';
import { parseAlarmMessage } from '../../../functions/notifier/alarmMessage.js';
import { AlarmMessageError } from '../../../functions/notifier/errors.js';
import {
  dlqAlarmMessage,
  failureRateAlarmMessage,
  noticeOf,
  okAlarmMessage,
} from './alarmFactory.js';

function parseError(text: string): AlarmMessageError {
  try {
    parseAlarmMessage(text);
  } catch (error) {
    if (error instanceof AlarmMessageError) return error;
    throw error;
  }
  throw new Error('expected an AlarmMessageError');
}

describe('parseAlarmMessage and the notice', () => {
  it('reads a single-metric alarm', () => {
    const notice = noticeOf(dlqAlarmMessage());

    expect(notice).toEqual({
      name: 'taskpipe-prod-dlq-default-not-empty',
      state: 'ALARM',
      previousState: 'OK',
      reason: expect.stringContaining('Threshold Crossed'),
      runbook: expect.stringContaining(
        'Redrive with: npx taskpipe redrive --stack taskpipe-prod --queue default',
      ),
      metric: 'AWS/SQS/ApproximateNumberOfMessagesVisible (Maximum)',
      dimensions: [{ name: 'QueueName', value: 'taskpipe-prod-default-dlq' }],
      threshold: 1,
      comparison: '>=',
      value: 12,
      period: 60,
      evaluationPeriods: 1,
      region: 'us-east-1',
      regionName: 'US East (N. Virginia)',
      account: '123456789012',
      time: '2026-11-27T10:01:00.123Z',
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/taskpipe-prod-dlq-default-not-empty',
      dedupeKey: dedupeKey('taskpipe-prod-dlq-default-not-empty', '2026-11-27T10:01:00.123+0000'),
    });
  });

  it('reads a metric-math alarm: the expression that returns data, the newest datapoint', () => {
    const notice = noticeOf(failureRateAlarmMessage());

    expect(notice.metric).toBe('metric math: 100 * failed / (failed + succeeded)');
    expect(notice.value).toBe(7.5);
    expect(notice.comparison).toBe('>');
    expect(notice.threshold).toBe(5);
    expect(notice.region).toBe('eu-west-1');
    expect(notice.consoleUrl).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\//);
  });

  it('reads an OK transition with its own dedupe key', () => {
    const alarm = noticeOf(dlqAlarmMessage());
    const ok = noticeOf(okAlarmMessage());

    expect(ok.state).toBe('OK');
    expect(ok.previousState).toBe('ALARM');
    expect(ok.value).toBe(0);
    expect(ok.dedupeKey).not.toBe(alarm.dedupeKey);
    expect(noticeOf(okAlarmMessage()).dedupeKey).toBe(ok.dedupeKey);
  });

  it('reads extended statistics, composite alarms and null descriptions', () => {
    const p99 = noticeOf(
      dlqAlarmMessage({
        Trigger: {
          MetricName: 'Duration',
          Namespace: 'AWS/Lambda',
          ExtendedStatistic: 'p99',
          Threshold: 800,
        },
      }),
    );
    const composite = noticeOf(
      dlqAlarmMessage({ Trigger: undefined, AlarmRule: 'ALARM(a) OR ALARM(b)' }),
    );
    const bare = noticeOf(dlqAlarmMessage({ AlarmDescription: null }));

    expect(p99.metric).toBe('AWS/Lambda/Duration (p99)');
    expect(composite.metric).toBeUndefined();
    expect(composite.threshold).toBeUndefined();
    expect(bare.runbook).toBeUndefined();
  });

  it('builds console links for other partitions and encodes the name fully', () => {
    const cn = noticeOf(
      dlqAlarmMessage({
        AlarmName: 'a (b)/c',
        AlarmArn: 'arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:a (b)/c',
      }),
    );

    expect(cn.consoleUrl).toBe(
      'https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/a%20%28b%29%2Fc',
    );
  });

  it('drops invisible and direction-changing characters from text', () => {
    const notice = noticeOf(
      dlqAlarmMessage({
        AlarmName: 'a\u200Bb\u202Ec\u2066d\uFEFFe',
        NewStateReason: 'x\u0000y\r\nz',
      }),
    );

    expect(notice.name).toBe('abcde');
    expect(notice.reason).toBe('xy\nz');
  });

  it.each([
    ['12.0 (27/11/26 10:00:00)', undefined],
    ['[12.0 (27/11/26 10:00:00)]', 12],
    ['[-3.5 (27/11/26 10:00:00), 1.0 (27/11/26 09:59:00)]', -3.5],
    ['[1.5E-4 (27/11/26 10:00:00)]', 0.00015],
    ['no datapoints', undefined],
  ])('reads the value from %j', (reason, value) => {
    expect(valueFromReason(reason)).toBe(value);
  });

  it('tolerates fields it does not know', () => {
    const message = parseAlarmMessage(JSON.stringify(dlqAlarmMessage({ SomethingNew: { x: 1 } })));

    expect(alarmNoticeFrom(message).name).toBe('taskpipe-prod-dlq-default-not-empty');
  });

  it('turns garbage into a typed error listing the zod issues', () => {
    const error = parseError(JSON.stringify({ AlarmName: '', NewStateValue: 'ON_FIRE' }));

    expect(error.retryable).toBe(false);
    expect(error.code).toBe('invalid_payload');
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining([
        'AlarmName',
        'NewStateValue',
        'AWSAccountId',
        'AlarmArn',
        'StateChangeTime',
      ]),
    );
    expect(error.message).toContain('NewStateValue');
  });

  it('refuses non-JSON and ARNs that are not CloudWatch alarms', () => {
    expect(parseError('hello').message).toContain('not JSON');
    expect(
      parseError(JSON.stringify(dlqAlarmMessage({ AlarmArn: 'javascript:alert(1)//:cloudwatch' })))
        .issues[0]?.path,
    ).toEqual(['AlarmArn']);
    expect(parseError(JSON.stringify([1, 2])).issues.length).toBeGreaterThan(0);
  });
});
