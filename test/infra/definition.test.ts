import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parsePipelineDefinition, pipelineDefinition } from '../../definition/index.js';
import { createRegistry } from '../../functions/core/registry.js';
import { defineTask } from '../../functions/core/task.js';
import { registry } from '../../functions/tasks/index.js';
import { testRegistry } from './fixtures.js';
import { problemsOf } from './problems.js';

describe('parsePipelineDefinition', () => {
  it('fills in the defaults: three queues, derived visibility and maxReceiveCount', () => {
    const config = parsePipelineDefinition({}, testRegistry);

    expect(config.queues.map((q) => [q.priority, q.maxConcurrency])).toEqual([
      ['high', 20],
      ['default', 10],
      ['low', 5],
    ]);
    const low = config.queues[2]!;
    expect(low).toMatchObject({ batchSize: 10, batchingWindowSeconds: 1, fifo: false });
    expect(low.visibilityTimeoutSeconds).toBe(6 * 60 + 1);
    expect(low.maxReceiveCount).toBe(14); // largest maxAttempts 8 + 1, plus headroom 5
    expect([low.retentionSeconds, low.deadLetterRetentionSeconds]).toEqual([
      4 * 86_400,
      14 * 86_400,
    ]);
    expect(config.consumer).toMatchObject({ timeoutSeconds: 60, memoryMb: 1024 });
    expect(config.table).toEqual({ retentionDays: 30, deletionProtection: true, typeIndex: false });
    expect(config.alarms.deadLetterQueueNotEmpty).toEqual({
      enabled: true,
      threshold: 1,
      evaluationPeriods: 1,
    });
  });

  it('keeps maxReceiveCount at 5 + headroom or more for registries with few attempts', () => {
    const fewAttempts = createRegistry([
      defineTask({ type: 'ping', schema: z.object({}), handler: () => 'pong', maxAttempts: 2 }),
    ]);
    const config = parsePipelineDefinition({}, fewAttempts);
    expect(config.queues.every((q) => q.maxReceiveCount === 10)).toBe(true);
  });

  it("accepts the project's definition with the application's task registry", () => {
    expect(() => parsePipelineDefinition(pipelineDefinition, registry)).not.toThrow();
  });

  it('lists every schema problem with its path and value in one error', () => {
    const problems = problemsOf({
      queues: [{ priority: 'High!', maxConcurrency: 1 }],
      consumer: { timeoutSeconds: 901, logRetentionDays: 31 },
      webhooks: [{ name: 'ops', kind: 'slack', secretName: 'https://hooks.slack.com/T0/B0/x' }],
      colour: 'blue',
    });

    expect(problems).toEqual([
      expect.stringMatching(/^queues\[0\]\.priority: .* \(got "High!"\)$/),
      expect.stringMatching(/^queues\[0\]\.maxConcurrency: .*>=2 \(got 1\)$/),
      expect.stringMatching(/^consumer\.timeoutSeconds: .*<=900 \(got 901\)$/),
      expect.stringMatching(/^consumer\.logRetentionDays: must be one of .* \(got 31\)$/),
      expect.stringMatching(
        /^webhooks\[0\]\.secretName: .*never a webhook URL \(got "https:\/\/hooks\.slack\.com/,
      ),
      '(root): unknown setting colour: "blue"',
    ]);
  });

  it('rejects a webhook URL given under another key', () => {
    expect(
      problemsOf({ webhooks: [{ name: 'ops', kind: 'teams', secretName: 'x', url: 'https://a' }] }),
    ).toEqual(['webhooks[0]: unknown setting url: "https://a"']);
  });

  it('names the message, every problem and its value in the error text', () => {
    const bad = {
      defaultPriority: 'high',
      queues: [{ priority: 'high', maxConcurrency: 20, maxReceiveCount: 2 }],
      table: { retentionDays: 7 },
    };
    expect(() => parsePipelineDefinition(bad, testRegistry)).toThrow(
      /invalid pipeline definition:\n {2}- .*maxReceiveCount 2 .*\n {2}- table\.retentionDays 7 /,
    );
  });
});

describe('schedules', () => {
  const schedule = { name: 'digest', expression: 'rate(1 hour)', type: 'report.build' };

  it('need a known task type, a payload its schema accepts and an existing queue', () => {
    expect(
      problemsOf({
        schedules: [
          { ...schedule, type: 'mail.sendd' },
          { ...schedule, name: 'mail', type: 'mail.send', payload: { to: 'nobody' } },
          { ...schedule, name: 'elsewhere', priority: 'urgent' },
          { ...schedule, name: 'mail' },
        ],
      }),
    ).toEqual([
      'schedules: name "mail" is used more than once',
      'schedule "digest": type "mail.sendd" is not a registered task type (known: mail.send, report.build)',
      'schedule "mail": payload {"to":"nobody"} does not match task type "mail.send": to: Invalid email address; template: expected string, received undefined',
      'schedule "elsewhere": priority "urgent" is not a queue (high, default, low)',
    ]);
  });

  it.each([
    ['rate(1 hours)', 'rate unit must be singular for 1'],
    ['rate(5 minute)', 'rate unit must be singular for 1'],
    ['rate(0 minutes)', 'rate value must be at least 1'],
    ['cron(0 3 * * ?)', 'cron needs 6 fields'],
    ['cron(0 3 * * * *)', 'cron needs "?" in exactly one'],
    ['every day', 'must be rate(<n> <unit>) or cron(<6 fields>)'],
  ])('reject the expression %s', (expression, message) => {
    const [problem] = problemsOf({ schedules: [{ ...schedule, expression }] });
    expect(problem).toContain(`schedules[0].expression: ${message}`);
    expect(problem).toContain(`(got ${JSON.stringify(expression)})`);
  });

  it.each(['Mars/Olympus', 'utc', 'europe/berlin', 'EST'])(
    'reject %s: time zones are exact, case-sensitive IANA names',
    (timezone) => {
      expect(problemsOf({ schedules: [{ ...schedule, timezone }] })).toEqual([
        `schedules[0].timezone: must be an exact, case-sensitive IANA time zone name such as Europe/Berlin, or UTC (got "${timezone}")`,
      ]);
    },
  );

  it.each(['UTC', 'Europe/Berlin', 'America/New_York'])('accept the time zone %s', (timezone) => {
    const parsed = parsePipelineDefinition(
      { schedules: [{ ...schedule, timezone }] },
      testRegistry,
    );
    expect(parsed.schedules[0]?.timezone).toBe(timezone);
  });
});

describe('api', () => {
  it('defaults to IAM authorization, 100 rps / 200 burst and the service payload limit', () => {
    expect(parsePipelineDefinition({}, testRegistry).api).toEqual({
      authorization: { type: 'iam' },
      throttling: { rateLimit: 100, burstLimit: 200 },
      maxPayloadBytes: 262_144,
      timeoutSeconds: 10,
      memoryMb: 512,
      logLevel: 'INFO',
      logRetentionDays: 30,
      accessLogRetentionDays: 30,
    });
  });

  it('takes a JWT issuer and audience instead', () => {
    const authorization = { type: 'jwt', issuer: 'https://id.example.com/', audience: ['a'] };
    expect(parsePipelineDefinition({ api: { authorization } }, testRegistry).api).toMatchObject({
      authorization,
    });
  });

  it('rejects an insecure issuer, no audience, an unknown type and out-of-range limits', () => {
    expect(
      problemsOf({
        api: {
          authorization: { type: 'jwt', issuer: 'http://id.example.com/', audience: [] },
          maxPayloadBytes: 1_000_000,
          timeoutSeconds: 30,
        },
      }),
    ).toEqual([
      expect.stringMatching(/^api\.authorization\.issuer: must be an https:\/\/ issuer URL/),
      expect.stringMatching(/^api\.authorization\.audience: .*\(got \[\]\)$/),
      expect.stringMatching(/^api\.maxPayloadBytes: .*<=300000 \(got 1000000\)$/),
      expect.stringMatching(/^api\.timeoutSeconds: .*<=29 \(got 30\)$/),
    ]);
    expect(problemsOf({ api: { authorization: { type: 'none' } } })).toEqual([
      expect.stringMatching(/^api\.authorization\.type: /),
    ]);
  });
});
