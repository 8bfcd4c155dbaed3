import { Gauge, Registry } from 'prom-client';
import { queueDepths } from '../../../cli/queues.js';
import type { AlarmState } from '../../shared/api.js';
import type { ConsoleContext } from '../ConsoleContext.js';

/** Where Prometheus scrapes the console (docs/observability.md). */
export const PROMETHEUS_PATH = '/metrics';

const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/**
 * GET /metrics, in Prometheus' text format: the task metrics of the console's source (the
 * local runtime's counters, or CloudWatch's last minute), and, read now for both, each
 * queue's depth and each alarm's state, from the same reads as the overview.
 */
export async function prometheusMetrics(
  ctx: ConsoleContext,
): Promise<{ contentType: string; body: string }> {
  const { target, observations } = ctx;
  const [depths, alarms, tasks] = await Promise.all([
    queueDepths(target.sqs, target.routes),
    observations.alarms(),
    observations.prometheus?.(),
  ]);
  const state = new Registry();
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [state] });
  const visible = gauge('taskpipe_queue_messages', 'Messages waiting in the queue.', [
    'queue',
    'priority',
  ]);
  const inFlight = gauge(
    'taskpipe_queue_messages_in_flight',
    'Messages received and not yet deleted.',
    ['queue', 'priority'],
  );
  const delayed = gauge(
    'taskpipe_queue_messages_delayed',
    'Messages sent with a delay not yet over.',
    ['queue', 'priority'],
  );
  const dead = gauge('taskpipe_dlq_messages', "Messages in the queue's dead-letter queue.", [
    'queue',
    'priority',
  ]);
  for (const d of depths) {
    const route = target.routes.find((r) => r.priority === d.priority)!;
    const labels = { queue: route.name, priority: d.priority };
    visible.set(labels, d.queue.visible);
    inFlight.set(labels, d.queue.inFlight);
    delayed.set(labels, d.queue.delayed);
    dead.set(labels, d.dlq.visible + d.dlq.inFlight);
  }
  const alarm = gauge('taskpipe_alarm_state', 'Each alarm state: 1 for the current one, else 0.', [
    'alarm',
    'state',
  ]);
  for (const a of alarms) {
    for (const s of ALARM_STATES) alarm.set({ alarm: a.name, state: s }, a.state === s ? 1 : 0);
  }
  const registry = tasks ? Registry.merge([tasks, state]) : state;
  return { contentType: registry.contentType, body: await registry.metrics() };
}
