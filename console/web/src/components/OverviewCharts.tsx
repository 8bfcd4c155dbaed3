import { useMemo } from 'preact/hooks';
import type { MetricsView } from '../../../shared/api.js';
import { formatDuration } from './format.js';
import { TimeChart } from './TimeChart.js';

/** The overview's charts of the last hour: throughput, failure rate, latency. */
export function OverviewCharts({ m }: { m: MetricsView }) {
  const perMinute = 60 / m.bucketSeconds;
  const series = useMemo(
    () => ({
      throughput: [
        {
          label: 'succeeded/min',
          values: m.succeeded.map((v) => (v === null ? null : v * perMinute)),
          stroke: '#1a7f37',
        },
        {
          label: 'failed/min',
          values: m.failed.map((v) => (v === null ? null : v * perMinute)),
          stroke: '#c62828',
          dash: [6, 4],
        },
      ],
      rate: [{ label: 'failure rate', values: m.failureRate, stroke: '#c62828' }],
      latency: [
        { label: 'p50', values: m.p50, stroke: '#1565c0' },
        { label: 'p95', values: m.p95, stroke: '#8e24aa', dash: [6, 4] },
        { label: 'p99', values: m.p99, stroke: '#ef6c00', dash: [2, 3] },
      ],
    }),
    [m, perMinute],
  );
  const sum = (values: (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
  const last = (values: (number | null)[]) =>
    [...values].reverse().find((v) => v !== null) ?? undefined;
  return (
    <div class="charts" data-ended={sum(m.succeeded) + sum(m.failed)}>
      <TimeChart
        title="Throughput"
        unit=""
        times={m.times}
        series={series.throughput}
        summary={`${sum(m.succeeded)} succeeded and ${sum(m.failed)} failed in the last hour`}
      />
      <TimeChart
        title="Failure rate"
        unit="%"
        times={m.times}
        series={series.rate}
        summary={`latest ${last(m.failureRate)?.toFixed(1) ?? 'no data'} %`}
      />
      <TimeChart
        title="Latency"
        unit="ms"
        times={m.times}
        series={series.latency}
        summary={`latest p50 ${formatDuration(last(m.p50))}, p95 ${formatDuration(last(m.p95))}, p99 ${formatDuration(last(m.p99))}`}
      />
      <p class="muted chart-note">
        Latency: {m.latencyNote}. Source:{' '}
        {m.source === 'local' ? 'the local runtime' : 'CloudWatch'}.
      </p>
    </div>
  );
}
