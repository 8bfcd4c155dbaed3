import { beforeAll, describe, expect, it } from 'vitest';
import { logicalId } from './fixtures.js';
import { DUMMY_HTTP_API_ID, monitoringStack } from './monitoringFixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: dashboard bodies are untyped JSON
type Json = Record<string, any>;

/** The dashboard body as JSON: each token of the Fn::Join becomes `<Ref>` / `<Resource.Attr>`. */
function dashboardBody(body: Json): Json {
  const [, parts] = body['Fn::Join'] as [string, unknown[]];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const p = part as Json;
      return p.Ref ? `<${p.Ref}>` : `<${p['Fn::GetAtt'].join('.')}>`;
    })
    .join('');
  return JSON.parse(text);
}

let widgets: Json[];
let built: ReturnType<typeof monitoringStack>;

beforeAll(() => {
  built = monitoringStack();
  const [dashboard] = Object.values(built.template.findResources('AWS::CloudWatch::Dashboard'));
  widgets = dashboardBody(dashboard!.Properties.DashboardBody).widgets;
});

const titled = (title: string) => {
  const found = widgets.find((w) => w.properties.title?.startsWith(title));
  if (!found) throw new Error(`no widget titled ${title}`);
  return found.properties as Json;
};
const expressions = (w: Json) => (w.metrics as Json[][]).map((m) => m.at(-1)?.expression);
const search = (metric: string, stat: string) =>
  `SEARCH('{Taskpipe,TaskType,service} service="taskpipe" MetricName="${metric}"', '${stat}', 300)`;

describe('dashboard', () => {
  it('graphs throughput per task type with SEARCH, so new types appear by themselves', () => {
    const w = titled('Tasks succeeded, failed and retried');
    expect(expressions(w)).toEqual([
      search('TasksSucceeded', 'Sum'),
      search('TasksFailed', 'Sum'),
      search('TasksRetried', 'Sum'),
    ]);
    // A CloudWatch dynamic label: each line is named after its task type.
    expect(w.metrics[0][0].label).toBe(`\${PROP('Dim.TaskType')} succeeded`);
  });

  it('graphs the failure rate over every task type', () => {
    const [expression] = expressions(titled('Task failure rate'));
    expect(expression).toContain(`SUM(${search('TasksFailed', 'Sum')})`);
    expect(expression).toContain(`SUM(${search('TasksSucceeded', 'Sum')})`);
    expect(expression).toMatch(/^100 \* /);
  });

  it('graphs duration p50/p90/p99 and queue wait', () => {
    expect(expressions(titled('Task duration'))).toEqual(
      ['p50', 'p90', 'p99'].map((p) => search('TaskDuration', p)),
    );
    expect(expressions(titled('Queue wait'))).toEqual(
      ['p50', 'p99'].map((p) => search('QueueWait', p)),
    );
  });

  it('graphs depth and oldest message age per queue, and DLQ depth', () => {
    const queueNames = (title: string) =>
      (titled(title).metrics as Json[][]).map((m) => [m[1], m[3]]);
    const { storage } = built;
    expect(queueNames('Messages visible per queue')).toEqual(
      storage.queues.map((q) => [
        'ApproximateNumberOfMessagesVisible',
        `<${logicalId(q.queue)}.QueueName>`,
      ]),
    );
    expect(queueNames('Oldest message age per queue')).toEqual(
      storage.queues.map((q) => [
        'ApproximateAgeOfOldestMessage',
        `<${logicalId(q.queue)}.QueueName>`,
      ]),
    );
    expect(queueNames('Dead-letter queue depth')).toEqual(
      storage.queues.map((q) => [
        'ApproximateNumberOfMessagesVisible',
        `<${logicalId(q.deadLetterQueue)}.QueueName>`,
      ]),
    );
  });

  it('graphs the consumer’s errors, throttles and concurrent executions', () => {
    const fn = `<${logicalId(built.consumer.function)}>`;
    const names = (title: string) =>
      (titled(title).metrics as Json[][]).map((m) => [m[0], m[1], m[3]]);
    expect(names('Consumer errors and throttles')).toEqual([
      ['AWS/Lambda', 'Errors', fn],
      ['AWS/Lambda', 'Throttles', fn],
    ]);
    expect(names('Consumer concurrent executions')).toEqual([
      ['AWS/Lambda', 'ConcurrentExecutions', fn],
    ]);
  });

  it('graphs breakers opened and closed, by pipeline only, and tasks deferred per type', () => {
    const breakers = titled('Circuit breakers opened and closed').metrics as Json[][];
    // [namespace, metric, dimension name, value, options]: keys are no dimension.
    expect(breakers.map((m) => m.slice(0, 4))).toEqual([
      ['Taskpipe', 'BreakerOpened', 'service', 'taskpipe'],
      ['Taskpipe', 'BreakerClosed', 'service', 'taskpipe'],
    ]);
    expect(breakers.map((m) => m.at(-1)?.stat)).toEqual(['Sum', 'Sum']);
    expect(expressions(titled('Tasks deferred per type'))).toEqual([
      search('TasksDeferred', 'Sum'),
    ]);
  });

  it('graphs the API’s requests, 4xx and 5xx', () => {
    const metrics = titled('HTTP API requests').metrics as Json[][];
    expect(metrics.map((m) => [m[0], m[1], m[3]])).toEqual([
      ['AWS/ApiGateway', 'Count', DUMMY_HTTP_API_ID],
      ['AWS/ApiGateway', '4xx', DUMMY_HTTP_API_ID],
      ['AWS/ApiGateway', '5xx', DUMMY_HTTP_API_ID],
    ]);
  });

  it('shows the state of every alarm', () => {
    const w = widgets.find((x) => x.type === 'alarm')!;
    expect(w.properties.alarms).toHaveLength(built.monitoring.alarms.alarms.length);
  });

  it('has no API row without an API', () => {
    const { template } = monitoringStack(undefined, { httpApiId: '' });
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const titles = (dashboardBody(dashboard!.Properties.DashboardBody).widgets as Json[]).map(
      (w) => w.properties.title,
    );
    expect(titles.some((t) => t?.includes('HTTP API'))).toBe(false);
  });
});
