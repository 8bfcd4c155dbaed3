import { describe, expect, it } from 'vitest';
import { parsePipelineDefinition } from '../../definition/index.js';
import { SMALL_QUOTA_DEFINITION } from '../../definition/smallQuota.js';
import { testRegistry } from './fixtures.js';
import { problemsOf, queues } from './problems.js';

describe('cross-field checks', () => {
  it('DLQ retention must exceed source retention', () => {
    expect(
      problemsOf(
        queues({
          priority: 'default',
          maxConcurrency: 10,
          retentionDays: 14,
          deadLetterRetentionDays: 14,
        }),
      ),
    ).toEqual([
      'queue "default": deadLetterRetentionDays 14 (1209600 s) must be greater than retentionDays 14 (1209600 s), or messages expire on the DLQ before anyone sees them',
    ]);
  });

  it('all attempts of a task, with timeouts and backoff, must fit in the queue retention', () => {
    // mail.send: 8 attempts × 20 s + backoff 2+4+…+128 s = 414 s; report.build fits.
    expect(
      problemsOf(queues({ priority: 'default', maxConcurrency: 10, retentionDays: 0.004 })),
    ).toEqual([
      'task type "mail.send": 8 attempts with their timeouts and backoff can take 414 s, not less than the shortest queue retention 346 s; SQS would drop the message before the last attempt',
    ]);
  });

  it('the oldest-message-age alarm waits longer than any task’s healthy retries', () => {
    // mail.send can take 414 s; 50% of a 0.009-day retention (778 s) is 389 s.
    expect(
      problemsOf(queues({ priority: 'default', maxConcurrency: 10, retentionDays: 0.009 })),
    ).toEqual([
      'alarms.oldestMessageAge.threshold 50% of queue "default"\'s retention is 389 s, but task type "mail.send" can take 414 s through its retries: healthy retries would page. Raise the threshold or the queue\'s retentionDays',
    ]);
    expect(() =>
      parsePipelineDefinition(
        {
          queues: [{ priority: 'default', maxConcurrency: 10, retentionDays: 0.009 }],
          alarms: { oldestMessageAge: { threshold: 90 } },
        },
        testRegistry,
      ),
    ).not.toThrow();
  });

  it('payload, result and error together must fit in one DynamoDB item', () => {
    expect(
      problemsOf({ api: { maxPayloadBytes: 300_000 }, consumer: { maxResultBytes: 40_000 } }),
    ).toEqual([
      "api.maxPayloadBytes 300000 + 3 × consumer.maxResultBytes 40000 = 420000 bytes must be ≤ 383616, or a task item can exceed DynamoDB's 400 KB",
    ]);
  });

  it('visibility timeout must cover 6 × the function timeout + the batching window', () => {
    expect(
      problemsOf(
        queues({
          priority: 'default',
          maxConcurrency: 10,
          batchingWindowSeconds: 1,
          visibilityTimeoutSeconds: 300,
        }),
      ),
    ).toEqual([
      'queue "default": visibilityTimeoutSeconds 300 must be ≥ 6 × consumer.timeoutSeconds 60 + batchingWindowSeconds 1 = 361',
    ]);
  });

  it('maxReceiveCount must be at least max(5, largest maxAttempts + 1)', () => {
    expect(
      problemsOf(queues({ priority: 'default', maxConcurrency: 10, maxReceiveCount: 5 })),
    ).toEqual([
      'queue "default": maxReceiveCount 5 must be ≥ max(5, largest task maxAttempts 8 + 1) = 9',
    ]);
  });

  it('reserved concurrency must cover the sum of the event source caps', () => {
    expect(problemsOf({ consumer: { reservedConcurrency: 30 } })).toEqual([
      "consumer.reservedConcurrency 30 must be ≥ the sum of the queues' maxConcurrency 20 + 10 + 5 = 35, or throttled batches use up receive counts",
    ]);
  });

  it('reserved concurrency must leave 100 executions unreserved', () => {
    expect(
      problemsOf({ accountConcurrency: 1000, consumer: { reservedConcurrency: 901 } }),
    ).toEqual([
      'consumer.reservedConcurrency 901 must leave 100 of accountConcurrency 1000 unreserved (at most 900), as Lambda requires',
    ]);
    expect(() =>
      parsePipelineDefinition({ consumer: { reservedConcurrency: 900 } }, testRegistry),
    ).not.toThrow();
  });

  it('the caps, the API and the notifier must fit in the account quota', () => {
    expect(problemsOf({ accountConcurrency: 10 })).toEqual([
      "the sum of the queues' maxConcurrency 20 + 10 + 5 = 35, plus 10 for the API (api.throttling.rateLimit 100 × 0.1 s) and 1 for the notifier, is 46: more than accountConcurrency 10, the account's Lambda concurrency quota. Throttled batches use up receive counts; lower the caps, or raise the quota (Service Quotas) and then accountConcurrency",
    ]);
  });

  it('the default needs no reservation, and the small-quota setting fits a quota of 10', () => {
    expect(parsePipelineDefinition({}, testRegistry).consumer.reservedConcurrency).toBeUndefined();
    const config = parsePipelineDefinition(SMALL_QUOTA_DEFINITION, testRegistry);
    expect(config.accountConcurrency).toBe(10);
  });

  it('batching limits: > 10 records need a window; FIFO takes ≤ 10 and no window', () => {
    expect(
      problemsOf(
        queues(
          { priority: 'bulk', maxConcurrency: 10, batchSize: 100 },
          {
            priority: 'ordered',
            maxConcurrency: 5,
            fifo: true,
            batchSize: 20,
            batchingWindowSeconds: 2,
          },
        ),
      ),
    ).toEqual([
      'defaultPriority "default" is not a queue priority (bulk, ordered)',
      'queue "bulk": batchSize 100 > 10 needs batchingWindowSeconds ≥ 1 (got 0)',
      'queue "ordered": batchingWindowSeconds 2 must be 0 on a FIFO queue',
      'queue "ordered": batchSize 20 must be ≤ 10 on a FIFO queue',
    ]);
  });

  it('priorities are unique and caps do not grow toward lower priorities', () => {
    expect(
      problemsOf(
        queues(
          { priority: 'default', maxConcurrency: 10 },
          { priority: 'low', maxConcurrency: 12 },
          { priority: 'low', maxConcurrency: 2 },
        ),
      ),
    ).toEqual([
      'queues: priority "low" is defined more than once',
      'queue "low": maxConcurrency 12 exceeds 10 of the higher-priority queue "default" (queues are listed highest priority first)',
    ]);
  });

  it('every task timeout plus the safety margin fits in the function timeout', () => {
    expect(problemsOf({ consumer: { timeoutSeconds: 30 } })).toEqual([
      'task type "report.build": timeoutMs 40000 + consumer.safetyMarginMs 5000 = 45000 exceeds consumer.timeoutSeconds 30 (30000 ms)',
    ]);
  });

  it('the table keeps failed tasks as long as the DLQs keep their messages', () => {
    expect(problemsOf({ table: { retentionDays: 7 } })).toEqual([
      'table.retentionDays 7 must be ≥ the longest deadLetterRetentionDays 14, or failed tasks vanish while their messages can still be redriven',
    ]);
  });

  it('webhook names are unique', () => {
    const hook = { name: 'ops', kind: 'discord', secretName: 'taskpipe/ops' } as const;
    expect(problemsOf({ webhooks: [hook, hook] })).toEqual([
      'webhooks: name "ops" is used more than once',
    ]);
  });
});
