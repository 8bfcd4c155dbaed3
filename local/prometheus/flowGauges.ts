import type { FlowStore } from '../../functions/core/flow/ports.js';
import type { PrometheusMetrics } from './PrometheusMetrics.js';

/**
 * Flow control's state as gauges, read from the task table at each scrape:
 * `taskpipe_breaker_open{key}` (1 while open or probing, 0 once closed) and
 * `taskpipe_paused{scope,name}` (1 for each queue or task type paused).
 */
export function addFlowGauges(prometheus: PrometheusMetrics, store: FlowStore): void {
  prometheus.addStateGauge(
    'taskpipe_breaker_open',
    'Each circuit breaker that has opened: 1 while open or half-open (probing), 0 once closed.',
    ['key'],
    async () =>
      (await store.listBreakers()).map((b) => ({
        labels: { key: b.key },
        value: b.state === 'closed' ? 0 : 1,
      })),
  );
  prometheus.addStateGauge(
    'taskpipe_paused',
    'Each pause in force: 1 for a paused queue (scope="queue") or task type (scope="type").',
    ['scope', 'name'],
    async () => {
      const { queues, types } = await store.readPauses();
      return [...queues, ...types].map((p) => ({
        labels: { scope: p.scope, name: p.name },
        value: 1,
      }));
    },
  );
}
