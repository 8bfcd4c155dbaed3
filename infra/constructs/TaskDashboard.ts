import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  type Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { httpApiMetric } from './alarms/apiAlarms.js';
import type { PipelineStorage } from './PipelineStorage.js';
import { FLOW_METRICS, TASK_METRICS, TaskMetricFactory } from './taskMetrics.js';

const PERIOD = Duration.minutes(5);
const FULL = 24;
const HALF = 12;
const HEIGHT = 6;

/** A graph of the dashboard's usual height. */
function graph(title: string, left: IMetric[], width: number): GraphWidget {
  return new GraphWidget({ title, left, width, height: HEIGHT });
}

export interface TaskDashboardProps {
  /** The pipeline's name: the `service` dimension of the task metrics. */
  readonly name: string;
  readonly storage: PipelineStorage;
  readonly consumer: IFunction;
  /**
   * The HTTP API to graph.
   * @default - no API row
   */
  readonly httpApiId?: string;
  /** Alarms shown in the status row. */
  readonly alarms?: readonly Alarm[];
}

/**
 * One CloudWatch dashboard with the figures of the alarms (DESIGN §8): throughput and
 * failure rate per task type, durations, queue depth and age, DLQ depth, the consumer's
 * errors, throttles and concurrency, breakers and deferred tasks, and the API's traffic.
 * Task graphs use SEARCH, so a new task type shows up without a deploy.
 */
export class TaskDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: TaskDashboardProps) {
    super(scope, id);
    const tasks = new TaskMetricFactory(props.name, PERIOD);
    const queues = props.storage.queues;
    const perQueue = (label: string, metric: (q: (typeof queues)[number]) => Metric) =>
      queues.map((q) => metric(q).with({ label: `${q.priority}${label}`, period: PERIOD }));

    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown: `# ${props.name}\nTasks by type, queues, consumer${props.httpApiId ? ' and HTTP API' : ''}. Alarms and their runbooks: the alarm topic.`,
          width: FULL,
          height: 2,
        }),
      ],
      [
        graph(
          'Tasks succeeded, failed and retried per type (per 5 min)',
          [
            tasks.search(TASK_METRICS.succeeded, 'Sum', 'succeeded'),
            tasks.search(TASK_METRICS.failed, 'Sum', 'failed'),
            tasks.search(TASK_METRICS.retried, 'Sum', 'retried'),
          ],
          HALF,
        ),
        new GraphWidget({
          title: 'Task failure rate (%)',
          left: [tasks.searchFailureRate()],
          leftYAxis: { min: 0, max: 100 },
          width: HALF,
          height: HEIGHT,
        }),
      ],
      [
        graph(
          'Task duration p50 / p90 / p99 per type (ms)',
          ['p50', 'p90', 'p99'].map((p) => tasks.search(TASK_METRICS.duration, p, p)),
          HALF,
        ),
        graph(
          'Queue wait p50 / p99 per type (ms)',
          ['p50', 'p99'].map((p) => tasks.search(TASK_METRICS.queueWait, p, p)),
          HALF,
        ),
      ],
      [
        graph(
          'Messages visible per queue',
          perQueue('', (q) =>
            q.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
          ),
          8,
        ),
        graph(
          'Oldest message age per queue (s)',
          perQueue('', (q) =>
            q.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum' }),
          ),
          8,
        ),
        graph(
          'Dead-letter queue depth',
          perQueue(' DLQ', (q) =>
            q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
          ),
          8,
        ),
      ],
      [
        graph(
          'Consumer errors and throttles',
          [
            props.consumer.metricErrors({ statistic: 'Sum', period: PERIOD, label: 'errors' }),
            props.consumer.metricThrottles({
              statistic: 'Sum',
              period: PERIOD,
              label: 'throttles',
            }),
          ],
          HALF,
        ),
        graph(
          'Consumer concurrent executions',
          [
            props.consumer.metric('ConcurrentExecutions', {
              statistic: 'Maximum',
              period: PERIOD,
              label: 'concurrent executions',
            }),
          ],
          HALF,
        ),
      ],
      [
        // Flow control: breakers have no per-key dimension, so openings are counted per pipeline.
        graph(
          'Circuit breakers opened and closed (per 5 min)',
          [
            tasks.forPipeline(FLOW_METRICS.breakerOpened, 'Sum', 'opened'),
            tasks.forPipeline(FLOW_METRICS.breakerClosed, 'Sum', 'closed'),
          ],
          HALF,
        ),
        // Tasks held by a pause, an open breaker, a rate limit or a concurrency limit.
        graph(
          'Tasks deferred per type (per 5 min)',
          [tasks.search(TASK_METRICS.deferred, 'Sum', 'deferred')],
          HALF,
        ),
      ],
    ];
    if (props.httpApiId) rows.push([apiWidget(props.httpApiId)]);
    if (props.alarms?.length) {
      rows.push([
        new AlarmStatusWidget({
          title: 'Alarms',
          alarms: [...props.alarms],
          width: FULL,
          height: Math.max(2, Math.ceil(props.alarms.length / 4) + 1),
        }),
      ]);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: rows,
    });
  }
}

function apiWidget(apiId: string): GraphWidget {
  const api = (metric: string, label: string) => httpApiMetric(apiId, metric).with({ label });
  return new GraphWidget({
    title: 'HTTP API requests, 4xx and 5xx (per 5 min)',
    left: [api('Count', 'requests')],
    right: [api('4xx', '4xx'), api('5xx', '5xx')],
    width: FULL,
    height: HEIGHT,
  });
}
