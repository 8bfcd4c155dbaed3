import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../local/prometheus/PrometheusMetrics.js';

const sampleOf = async (metrics: PrometheusMetrics, series: string) => {
  const line = (await metrics.registry.metrics())
    .split('\n')
    .find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('PrometheusMetrics', () => {
  it('counts the final statuses and retries, and no other outcome, by type', async () => {
    const metrics = new PrometheusMetrics();
    for (const outcome of ['succeeded', 'succeeded', 'failed', 'poison', 'retried'] as const) {
      metrics.record({ type: 'a', outcome });
    }
    for (const outcome of ['duplicate', 'deferred', 'started', 'attempted'] as const) {
      metrics.record({ type: 'a', outcome });
    }
    metrics.record({ type: 'b', outcome: 'failed' });

    expect(await sampleOf(metrics, 'taskpipe_tasks_total{type="a",status="succeeded"}')).toBe(2);
    expect(await sampleOf(metrics, 'taskpipe_tasks_total{type="a",status="failed"}')).toBe(1);
    expect(await sampleOf(metrics, 'taskpipe_tasks_total{type="a",status="poison"}')).toBe(1);
    expect(await sampleOf(metrics, 'taskpipe_tasks_total{type="b",status="failed"}')).toBe(1);
    expect(await sampleOf(metrics, 'taskpipe_task_retries_total{type="a"}')).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/status="(duplicate|deferred|started|attempted|retried)"/);
  });

  it('observes durations and queue waits in seconds', async () => {
    const metrics = new PrometheusMetrics();
    metrics.record({ type: 'a', outcome: 'attempted', durationMs: 40 });
    metrics.record({ type: 'a', outcome: 'succeeded', durationMs: 2_000 });
    metrics.record({ type: 'a', outcome: 'started', queueWaitMs: 1_500 });

    expect(await sampleOf(metrics, 'taskpipe_task_duration_seconds_sum{type="a"}')).toBe(2.04);
    expect(
      await sampleOf(metrics, 'taskpipe_task_duration_seconds_bucket{le="0.05",type="a"}'),
    ).toBe(1);
    expect(
      await sampleOf(metrics, 'taskpipe_task_duration_seconds_bucket{le="2.5",type="a"}'),
    ).toBe(2);
    expect(await sampleOf(metrics, 'taskpipe_task_queue_wait_seconds_sum{type="a"}')).toBe(1.5);
    expect(await sampleOf(metrics, 'taskpipe_task_queue_wait_seconds_count{type="a"}')).toBe(1);
  });

  it('reads a state gauge at each scrape, dropping samples no longer reported', async () => {
    const metrics = new PrometheusMetrics();
    let samples = [
      { labels: { type: 'a' }, value: 1 },
      { labels: { type: 'b' }, value: 0 },
    ];
    metrics.addStateGauge(
      'taskpipe_paused',
      'Whether a type is paused.',
      ['type'],
      async () => samples,
    );

    expect(await sampleOf(metrics, 'taskpipe_paused{type="a"}')).toBe(1);
    samples = [{ labels: { type: 'b' }, value: 1 }];
    expect(await sampleOf(metrics, 'taskpipe_paused{type="a"}')).toBeUndefined();
    expect(await sampleOf(metrics, 'taskpipe_paused{type="b"}')).toBe(1);
  });
});
