import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMinuteRegistry } from '../../../console/server/sources/cloudWatchPrometheus.js';
import { type FakeCloudWatch, startFakeCloudWatch } from '../../deploy/fakeCloudWatch.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../../helpers/backend.js';

// CloudWatch over HTTP with fixed figures (moto computes no percentiles), read by the SDK.
describe('the CloudWatch source of /metrics', () => {
  let fake: FakeCloudWatch;
  let cloudwatch: CloudWatchClient;

  beforeAll(async () => {
    fake = await startFakeCloudWatch();
    cloudwatch = new CloudWatchClient({
      region: TEST_REGION,
      endpoint: fake.url,
      credentials: TEST_CREDENTIALS,
    });
  });
  afterAll(async () => {
    cloudwatch?.destroy();
    await fake?.close();
  });

  it('gives the last complete minute as gauges, percentiles in seconds', async () => {
    // The fake's datapoints are stamped now: a minute on, this minute is the last complete one.
    const text = await (await lastMinuteRegistry(cloudwatch, Date.now() + 60_000)).metrics();

    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.sort()).toEqual(
      [
        'taskpipe_tasks_last_minute{type="http.post",status="succeeded"} 90',
        'taskpipe_tasks_last_minute{type="http.post",status="failed"} 10',
        'taskpipe_task_retries_last_minute{type="http.post"} 4',
        'taskpipe_task_duration_last_minute_seconds{type="http.post",quantile="0.5"} 0.12',
        'taskpipe_task_duration_last_minute_seconds{type="http.post",quantile="0.95"} 0.9',
        'taskpipe_task_duration_last_minute_seconds{type="http.post",quantile="0.99"} 1.5',
        'taskpipe_task_queue_wait_last_minute_seconds{type="http.post",quantile="0.5"} 0.035',
        'taskpipe_task_queue_wait_last_minute_seconds{type="http.post",quantile="0.95"} 0.41',
        'taskpipe_task_queue_wait_last_minute_seconds{type="http.post",quantile="0.99"} 2.2',
      ].sort(),
    );
    const asked = fake.cloudwatch.filter((c) => c.action === 'GetMetricData').at(-1)?.body;
    const queries = asked?.MetricDataQueries as { MetricStat: { Period: number } }[];
    expect(queries.every((q) => q.MetricStat.Period === 60)).toBe(true);
  });

  it('leaves out a minute CloudWatch holds no datapoint for', async () => {
    const text = await (await lastMinuteRegistry(cloudwatch, Date.now() + 5 * 60_000)).metrics();
    expect(text).toContain('# TYPE taskpipe_tasks_last_minute gauge');
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([]);
  });
});
