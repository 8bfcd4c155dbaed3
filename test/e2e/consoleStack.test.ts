import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../cli/target.js';
import type {
  MetaView,
  MetricsView,
  OverviewView,
  SessionView,
  TaskDetailView,
  TaskListView,
} from '../../console/shared/api.js';
import { parsePipelineDefinition } from '../../definition/parsePipelineDefinition.js';
import { pipelineDefinition } from '../../definition/pipeline.js';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../../functions/adapters/sqs/SqsQueue.js';
import { TaskService } from '../../functions/core/service/TaskService.js';
import { registry } from '../../functions/tasks/index.js';
import { createLocalResources } from '../../local/resources.js';
import type { Backend } from '../helpers/backend.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../helpers/backend.js';
import {
  browserUnavailable,
  eventually,
  launchBrowser,
  screenshotDir,
} from '../helpers/browser.js';
import { motoAvailability, startMoto } from '../helpers/moto.js';
import { promtoolCheck, promtoolUnavailable } from '../helpers/promtool.js';

const moto = motoAvailability();
if (!moto.available && !process.env.CI) {
  process.stdout.write(`skipping the console --stack test: ${moto.reason}\n`);
}
const noBrowser = browserUnavailable();
const STACK = 'TaskpipeStateful';
const BIN = resolve('bin/taskpipe.mjs');

// `taskpipe console --stack`: moto stands in for the deployed stack (its outputs, table,
// queues, metrics and alarms), reached with a named profile's credentials.
describe.skipIf(!moto.available && !process.env.CI)('taskpipe console --stack', () => {
  let backend: Backend;
  let child: ChildProcess;
  let consoleUrl: string;
  let dir: string;
  let taskId: string;

  beforeAll(async () => {
    backend = await startMoto();
    const config = parsePipelineDefinition(pipelineDefinition, registry);
    const { tableName, queues } = await createLocalResources(backend, config);
    const aws = {
      region: TEST_REGION,
      endpoint: backend.sqsEndpoint,
      credentials: { ...TEST_CREDENTIALS },
    };
    const routes = queues.map(({ priority, url, dlqUrl, fifo }) => ({
      priority,
      url,
      dlqUrl,
      fifo,
    }));
    const cfn = new CloudFormationClient(aws);
    await cfn.send(
      new CreateStackCommand({
        StackName: STACK,
        TemplateBody: JSON.stringify({
          Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
          Outputs: {
            TaskTableName: { Value: tableName },
            Queues: { Value: JSON.stringify(routes) },
          },
        }),
      }),
    );
    cfn.destroy();
    const service = new TaskService({
      registry,
      store: new DynamoTaskStore({ client: backend.dynamodb, tableName }),
      queue: new SqsQueue(backend.sqs),
      routes: queues,
      logger: silentLogger,
    });
    taskId = (await service.enqueue({ type: 'noop', payload: { note: '<b>kept as text</b>' } }))
      .taskId;
    const cloudwatch = new CloudWatchClient(aws);
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'TaskpipeStateless-default-dlq-not-empty',
        AlarmDescription: 'Redrive with: npx taskpipe redrive --queue default',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Taskpipe',
        MetricData: [
          {
            MetricName: 'TasksSucceeded',
            Dimensions: [
              { Name: 'service', Value: 'taskpipe' },
              { Name: 'TaskType', Value: 'noop' },
            ],
            Value: 3,
            Timestamp: new Date(),
          },
        ],
      }),
    );
    // Two failures and five retries of http.post in each minute around now: whichever
    // minute is the last complete one when /metrics is read holds them.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const dimensions = [
      { Name: 'service', Value: 'taskpipe' },
      { Name: 'TaskType', Value: 'http.post' },
    ];
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Taskpipe',
        MetricData: [-1, 0, 1, 2].flatMap((m) => [
          {
            MetricName: 'TasksFailed',
            Dimensions: dimensions,
            Value: 2,
            Timestamp: new Date(minute + m * 60_000 + 1_000),
          },
          {
            MetricName: 'TasksRetried',
            Dimensions: dimensions,
            Value: 5,
            Timestamp: new Date(minute + m * 60_000 + 1_000),
          },
        ]),
      }),
    );
    cloudwatch.destroy();

    // Credentials only through the profile: none in the environment.
    dir = await mkdtemp(join(tmpdir(), 'taskpipe-console-'));
    await writeFile(
      join(dir, 'credentials'),
      `[console-test]\naws_access_key_id = ${TEST_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${TEST_CREDENTIALS.secretAccessKey}\n`,
    );
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')),
    );
    child = spawn(
      process.execPath,
      [
        BIN,
        'console',
        '--stack',
        STACK,
        '--region',
        TEST_REGION,
        '--profile',
        'console-test',
        '--port',
        '0',
      ],
      {
        env: {
          ...env,
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
          AWS_CONFIG_FILE: join(dir, 'config'),
          AWS_ENDPOINT_URL: backend.sqsEndpoint,
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    consoleUrl = await new Promise<string>((done, fail) => {
      let output = '';
      const timer = setTimeout(() => fail(new Error(`no console URL:\n${output}`)), 30_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const url = /Console {4}(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
        if (url) {
          clearTimeout(timer);
          done(url);
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.once('exit', (code) => fail(new Error(`console exited (${code}):\n${output}`)));
    });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGINT');
      await exited;
    }
    await backend?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(new URL(path, consoleUrl));
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as T;
  };

  it('names the stack and region it reads', async () => {
    const meta = await get<MetaView>('/api/meta');
    expect(meta.target).toEqual({
      kind: 'stack',
      where: `stack ${STACK} (${TEST_REGION})`,
      region: TEST_REGION,
    });
  });

  it("records actions as the AWS caller's identity, from STS GetCallerIdentity", async () => {
    const session = await get<SessionView>('/api/session');
    expect(session.readOnly).toBe(false);
    expect(session.who).toMatch(/^arn:aws:(iam|sts)::\d{12}:/);
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("reads the stack's queues, table and alarms", async () => {
    const overview = await get<OverviewView>('/api/overview');
    expect(overview.queues.map((q) => q.priority)).toEqual(['high', 'default', 'low']);
    expect(overview.queues.find((q) => q.priority === 'default')?.visible).toBe(1);
    expect(overview.counts.byType).toEqual({ noop: { QUEUED: 1 } });
    expect(overview.alarms).toEqual([
      {
        name: 'TaskpipeStateless-default-dlq-not-empty',
        state: expect.any(String),
        runbook: 'Redrive with: npx taskpipe redrive --queue default',
      },
    ]);
  });

  it('charts the metrics CloudWatch holds', async () => {
    const metrics = await get<MetricsView>('/api/metrics');
    expect(metrics.source).toBe('cloudwatch');
    expect(metrics.succeeded.reduce<number>((a, v) => a + (v ?? 0), 0)).toBe(3);
  });

  it('looks a task up by id and shows its payload and a Logs Insights link', async () => {
    const list = await get<TaskListView>(`/api/tasks?id=${taskId}`);
    expect(list).toMatchObject({ via: 'id', tasks: [{ id: taskId, status: 'QUEUED' }] });
    const detail = await get<TaskDetailView>(`/api/tasks/${taskId}`);
    expect(JSON.parse(detail.payloadJson ?? '')).toEqual({ note: '<b>kept as text</b>' });
    expect(detail.logsInsightsUrl).toMatch(
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\//,
    );
    expect(detail.logsInsightsUrl).toContain(taskId);
  });

  it.skipIf(noBrowser)(
    'shows the stack in a browser: the overview and a task with its Logs Insights link',
    async () => {
      let browser: Browser | undefined;
      try {
        browser = await launchBrowser();
        const shots = await screenshotDir();
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on('pageerror', (e) => problems.push(e.message));
        await page.goto(consoleUrl);
        await eventually(() => page.locator('header .target').textContent()).toBe(
          `AWS · ${TEST_REGION}`,
        );
        expect(await page.locator('header .target').getAttribute('title')).toBe(
          `stack ${STACK} (${TEST_REGION})`,
        );
        await eventually(() =>
          page.getByText('Redrive with: npx taskpipe redrive --queue default').count(),
        ).toBe(1);
        // The charts drew CloudWatch's points: three succeeded noop tasks in the last hour.
        await eventually(() =>
          page.getByRole('img', { name: /^Throughput: 3 succeeded and \d+ failed/ }).count(),
        ).toBe(1);
        await eventually(() => page.locator('.chart-canvas canvas').count()).toBe(3);
        await page.screenshot({ path: join(shots, 'console-stack-overview.png'), fullPage: true });

        await page.goto(new URL(`#/tasks/${taskId}`, consoleUrl).href);
        const link = page.getByRole('link', { name: /CloudWatch Logs Insights/ });
        await eventually(() => link.count()).toBe(1);
        expect(await link.getAttribute('href')).toContain(taskId);
        expect(await page.locator('main').textContent()).toContain('<b>kept as text</b>');
        expect(await page.locator('main b').count()).toBe(0);
        await page.screenshot({ path: join(shots, 'console-stack-task.png'), fullPage: true });
        expect(problems).toEqual([]);
      } finally {
        await browser?.close();
      }
    },
    90_000,
  );

  it('serves /metrics from CloudWatch: gauges of the last complete minute, queues and alarms', async () => {
    const response = await fetch(new URL('/metrics', consoleUrl));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('# TYPE taskpipe_tasks_last_minute gauge');
    expect(text).toContain('taskpipe_tasks_last_minute{type="http.post",status="failed"} 2\n');
    expect(text).toContain('taskpipe_task_retries_last_minute{type="http.post"} 5\n');
    expect(text).not.toMatch(/_total|_bucket/);
    expect(text).toMatch(/taskpipe_queue_messages\{queue="[^"]+",priority="default"\} 1\n/);
    expect(text).toContain(
      'taskpipe_alarm_state{alarm="TaskpipeStateless-default-dlq-not-empty",state="ALARM"}',
    );
    if (!promtoolUnavailable()) expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });
});
