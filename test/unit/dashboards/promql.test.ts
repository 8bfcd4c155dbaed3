import { describe, expect, it } from 'vitest';
import { evaluate, legend, parseMetrics } from '../../../dashboards/promql.js';

// Two scrapes 10 s apart, in the text format the local runtime serves.
const first = parseMetrics(
  [
    '# TYPE taskpipe_tasks_total counter',
    'taskpipe_tasks_total{type="noop",status="succeeded"} 10',
    'taskpipe_tasks_total{type="noop",status="failed"} 0',
    'taskpipe_tasks_total{type="mail",status="succeeded"} 4',
    'taskpipe_task_duration_seconds_bucket{le="0.1",type="noop"} 0',
    'taskpipe_task_duration_seconds_bucket{le="1",type="noop"} 0',
    'taskpipe_task_duration_seconds_bucket{le="+Inf",type="noop"} 0',
    'taskpipe_alarm_state{alarm="dlq",state="ALARM"} 1',
    'taskpipe_alarm_state{alarm="age",state="ALARM"} 0',
  ].join('\n'),
  0,
);
const second = parseMetrics(
  [
    'taskpipe_tasks_total{type="noop",status="succeeded"} 40',
    'taskpipe_tasks_total{type="noop",status="failed"} 10',
    'taskpipe_tasks_total{type="mail",status="succeeded"} 9',
    'taskpipe_task_duration_seconds_bucket{le="0.1",type="noop"} 20',
    'taskpipe_task_duration_seconds_bucket{le="1",type="noop"} 40',
    'taskpipe_task_duration_seconds_bucket{le="+Inf",type="noop"} 40',
  ].join('\n'),
  10_000,
);
const scrapes = [first, second];

describe('the PromQL the dashboard renderer evaluates', () => {
  it('rates counters per second and sums them by label', () => {
    expect(evaluate('sum by (type) (rate(taskpipe_tasks_total[1m]))', scrapes, 1)).toEqual([
      { labels: { type: 'noop' }, value: 4 },
      { labels: { type: 'mail' }, value: 0.5 },
    ]);
    expect(evaluate('rate(taskpipe_tasks_total[1m])', scrapes, 0)).toEqual([]);
  });

  it('applies != matchers and divides series with the same labels', () => {
    const expr =
      'sum by (type) (rate(taskpipe_tasks_total{status!="succeeded"}[1m])) / sum by (type) (rate(taskpipe_tasks_total[1m]))';
    expect(evaluate(expr, scrapes, 1)).toEqual([{ labels: { type: 'noop' }, value: 0.25 }]);
  });

  it('interpolates histogram quantiles inside the bucket, as Prometheus does', () => {
    const q = (p: number) =>
      evaluate(
        `histogram_quantile(${p}, sum by (le, type) (rate(taskpipe_task_duration_seconds_bucket[1m])))`,
        scrapes,
        1,
      );
    // 20 of 40 below 0.1 s: the median is the top of the first bucket, p75 halfway up the second.
    expect(q(0.5)).toEqual([{ labels: { type: 'noop' }, value: 0.1 }]);
    expect(q(0.75)[0]?.value).toBeCloseTo(0.55);
  });

  it('filters with == and formats legends', () => {
    const firing = evaluate('taskpipe_alarm_state{state="ALARM"} == 1', scrapes, 0);
    expect(firing.map((s) => s.labels.alarm)).toEqual(['dlq']);
    expect(legend('{{alarm}} is {{state}}', firing[0]?.labels ?? {})).toBe('dlq is ALARM');
  });
});
