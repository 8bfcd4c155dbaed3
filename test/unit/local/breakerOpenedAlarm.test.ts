import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { parsePipelineDefinition, type TaskPolicies } from '../../../definition/index.js';
import { registry } from '../../../functions/tasks/index.js';
import { localAlarms } from '../../../local/alarms/localAlarms.js';
import { LocalMetrics } from '../../../local/LocalMetrics.js';

const definition = (alarms: Record<string, unknown> = {}) =>
  parsePipelineDefinition(
    { name: 'shop', queues: [{ priority: 'default', maxConcurrency: 2 }], alarms },
    registry as TaskPolicies,
  );

// No queue is passed: the breaker alarm reads the metrics only, never SQS.
const noSqs = {} as SQSClient;

function breakerAlarm(metrics: LocalMetrics, alarms: Record<string, unknown> = {}) {
  return localAlarms(definition(alarms), [], noSqs, metrics, 'http://127.0.0.1:1').find(
    (a) => a.name === 'shop-breaker-opened',
  );
}

describe('the local breaker-opened alarm', () => {
  it('counts the breakers that opened in the last period, as CloudWatch sums BreakerOpened', async () => {
    const metrics = new LocalMetrics();
    const alarm = breakerAlarm(metrics)!;
    metrics.breakerMoved({ key: 'host:a.example', move: 'opened' });
    metrics.breakerMoved({ key: 'host:b.example', move: 'opened' });
    metrics.breakerMoved({ key: 'host:a.example', move: 'closed' });

    metrics.closePeriod();

    expect(await alarm.observe()).toBe(2);
    expect(alarm).toMatchObject({
      metric: {
        namespace: 'Taskpipe',
        name: 'BreakerOpened',
        statistic: 'Sum',
        dimensions: { service: 'shop' },
      },
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods: 1,
    });
    expect(alarm.description).toContain(
      'docs/pause-and-breakers.md#when-a-breaker-opens-or-closes',
    );
  });

  it('reads 0 for a period in which nothing opened', async () => {
    const metrics = new LocalMetrics();
    const alarm = breakerAlarm(metrics)!;
    metrics.breakerMoved({ key: 'host:a.example', move: 'opened' });
    metrics.closePeriod();
    metrics.breakerMoved({ key: 'host:a.example', move: 'closed' });

    metrics.closePeriod();

    expect(await alarm.observe()).toBe(0);
  });

  it('follows the definition: tuned, or left out', () => {
    const metrics = new LocalMetrics();

    expect(
      breakerAlarm(metrics, { breakerOpened: { threshold: 3, evaluationPeriods: 2 } }),
    ).toMatchObject({ threshold: 3, evaluationPeriods: 2 });
    expect(breakerAlarm(metrics, { breakerOpened: { enabled: false } })).toBeUndefined();
  });
});
