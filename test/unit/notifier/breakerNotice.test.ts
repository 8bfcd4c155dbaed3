import { describe, expect, it } from 'vitest';
import { closed, opened } from '../../../functions/core/flow/breaker.js';
import { breakerNoticeOf } from '../../../functions/core/flow/breakerNotice.js';
import { DEFAULT_BREAKER_POLICY as P } from '../../../functions/core/flow/breakerPolicy.js';
import { BY_BREAKER } from '../../../functions/core/flow/types.js';
import { AlarmMessageError } from '../../../functions/notifier/errors.js';
import { formatEmail } from '../../../functions/notifier/formatters/email.js';
import { FORMATTERS } from '../../../functions/notifier/formatters/index.js';
import { formatSlack } from '../../../functions/notifier/formatters/slack.js';
import { noticeOf } from '../../../functions/notifier/notification.js';
import { dlqAlarmMessage } from './alarmFactory.js';
import { breakerMessage, failingBreaker, MOVED_AT, openedNotice } from './breakerFactory.js';

const parse = (message: unknown) => noticeOf(JSON.stringify(message));

function refusal(message: unknown): AlarmMessageError {
  try {
    parse(message);
  } catch (error) {
    if (error instanceof AlarmMessageError) return error;
    throw error;
  }
  throw new Error('expected an AlarmMessageError');
}

describe('breaker notices (core)', () => {
  it('carries the figures that tripped an automatic opening, and when probing starts', () => {
    expect(openedNotice()).toEqual({
      source: 'taskpipe',
      kind: 'circuit-breaker',
      version: 1,
      pipeline: 'taskpipe-prod',
      key: 'host:api.example.com',
      move: 'opened',
      state: 'open',
      previousState: 'closed',
      by: 'breaker',
      time: '2026-11-27T10:00:00.000Z',
      probingAt: '2026-11-27T10:00:30.000Z',
      figures: { failures: 12, attempts: 20, windowSeconds: 60, failureRate: 0.5, minAttempts: 20 },
      transition: 4,
      runbook: expect.stringContaining('docs/pause-and-breakers.md#when-a-breaker-opens-or-closes'),
    });
  });

  it('says nothing of probing or of a failed probe re-opening it', () => {
    const open = opened(failingBreaker(), BY_BREAKER, MOVED_AT, MOVED_AT + 30_000);
    const probing = { ...open, state: 'half_open' as const, version: open.version + 1 };
    const reopened = opened(probing, BY_BREAKER, MOVED_AT + 40_000, MOVED_AT + 70_000);

    expect(breakerNoticeOf('p', probing, open, P)).toBeUndefined();
    expect(breakerNoticeOf('p', reopened, probing, P)).toBeUndefined();
    expect(
      breakerNoticeOf('p', closed(probing, BY_BREAKER, MOVED_AT + 50_000), probing, P),
    ).toEqual(
      expect.objectContaining({ move: 'closed', state: 'closed', previousState: 'half_open' }),
    );
  });

  it("names the operator of a move by hand, with no figures and no probing time when it's held", () => {
    const before = failingBreaker();
    const held = opened(before, 'alice@example.com', MOVED_AT, undefined);

    const notice = breakerNoticeOf('p', held, before);

    expect(notice).toMatchObject({ move: 'opened', by: 'alice@example.com' });
    expect(notice).not.toHaveProperty('figures');
    expect(notice).not.toHaveProperty('probingAt');
    expect(notice?.runbook).toContain('npx taskpipe breaker close host:api.example.com');
  });
});

describe('the notifier reads a breaker notice', () => {
  it('as a red notice naming the key, the state, the figures, who moved it and when probing starts', () => {
    const notice = parse(breakerMessage());

    expect(notice).toMatchObject({
      kind: 'circuit-breaker',
      name: 'taskpipe-prod breaker host:api.example.com',
      title: 'Circuit breaker opened: host:api.example.com',
      state: 'ALARM',
      previousState: 'OK',
      region: 'eu-west-1',
      account: '123456789012',
      time: '2026-11-27T10:00:00.000Z',
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Ftaskpipe-prod-consumer',
    });
    expect(notice.reason).toBe(
      '12 of 20 attempts failed in the last 60 s (it opens at 50% of at least 20). Tasks keyed to host:api.example.com wait; probing starts at 2026-11-27T10:00:30.000Z.',
    );
    expect(notice.facts).toEqual([
      { label: 'Breaker', value: 'host:api.example.com' },
      { label: 'State', value: 'open (was closed)' },
      { label: 'Moved by', value: 'breaker' },
      { label: 'Failures', value: '12 of 20 (60%) in 60 s' },
      { label: 'Probing starts', value: '2026-11-27T10:00:30.000Z' },
      { label: 'Pipeline', value: 'taskpipe-prod' },
    ]);
    expect(notice.runbook).toContain('docs/pause-and-breakers.md#when-a-breaker-opens-or-closes');
  });

  it('as a green notice when it closes, with one dedupe key per transition', () => {
    const before = opened(failingBreaker(), 'alice', MOVED_AT, undefined);
    const close = breakerNoticeOf(
      'taskpipe-prod',
      closed(before, 'bob', MOVED_AT + 5_000),
      before,
    )!;

    const notice = parse(breakerMessage(close));

    expect(notice).toMatchObject({
      title: 'Circuit breaker closed: host:api.example.com',
      state: 'OK',
      previousState: 'ALARM',
      reason: 'Closed by hand by bob: tasks keyed to host:api.example.com run again.',
    });
    expect(notice.dedupeKey).not.toBe(parse(breakerMessage()).dedupeKey);
    expect(parse(breakerMessage(close)).dedupeKey).toBe(notice.dedupeKey);
  });

  it('links to CloudWatch itself when the message names no log group', () => {
    const notice = parse(breakerMessage(openedNotice(), { logGroup: undefined }));
    expect(notice.consoleUrl).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1',
    );
  });

  it('is rendered by every formatter, title and figures included', () => {
    const notice = parse(breakerMessage());

    for (const format of Object.values(FORMATTERS)) {
      const text = JSON.stringify(format(notice).body);
      expect(text).toContain('Circuit breaker opened: host:api.example.com');
      // Each target escapes its own markup (Teams and Feishu escape the parentheses).
      expect(text).toMatch(/12 of 20 [^"]*60%[^"]* in 60 s/);
    }
    const slack = formatSlack(notice).body as { text: string };
    expect(slack.text).toBe('🔴 Circuit breaker opened: host:api.example.com');
    const email = formatEmail(notice);
    expect(email.subject).toBe('🔴 Circuit breaker opened: host:api.example.com');
    expect(email.text).toContain('Probing starts: 2026-11-27T10:00:30.000Z');
    expect(email.text).toContain('Moved by: breaker');
  });

  it('refuses a notice that claims to be one but is not, naming each problem', () => {
    const error = refusal(breakerMessage(openedNotice(), { key: '', region: 'evil.example' }));

    expect(error.message).toMatch(/^SNS message is not a taskpipe circuit breaker notice: /);
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(['key', 'region']);
    expect(error.retryable).toBe(false);
  });

  it('still refuses an unknown shape as not a CloudWatch alarm, and still reads alarms', () => {
    expect(refusal({ hello: 'world' }).message).toMatch(
      /^SNS message is not a CloudWatch alarm notification: /,
    );
    expect(() => noticeOf('not json')).toThrow(/not JSON/);
    expect(parse(dlqAlarmMessage()).name).toBe('taskpipe-prod-dlq-default-not-empty');
    expect(parse(dlqAlarmMessage())).not.toHaveProperty('kind');
  });
});
