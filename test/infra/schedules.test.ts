import { describe, expect, it } from 'vitest';
import { envelopeSchema, TASK_ID_PATTERN } from '../../functions/core/envelope.js';
import { getArn, producedValue, synthTemplates } from './fixtures.js';

const { stateful, template, statefulStack, stack } = synthTemplates();

// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON
type Json = Record<string, any>;
const resources = (type: string): Json[] => Object.values(template.findResources(type));
const queueOf = (priority: string) => statefulStack.storage.queueFor(priority)!;

describe('schedules', () => {
  const schedule = (name: string) =>
    resources('AWS::Scheduler::Schedule').find((s) => JSON.stringify(s).includes(`sched-${name}-`))!
      .Properties as Json;

  it('become EventBridge Scheduler schedules with their expression and time zone', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    expect(schedule('nightly-report')).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(schedule('digest')).toMatchObject({ ScheduleExpression: 'rate(1 hour)' });
  });

  it('send to their priority queue, with a DLQ for deliveries that fail for good', () => {
    const target = schedule('nightly-report').Target;
    expect(producedValue(stateful, target.Arn)).toEqual(getArn(queueOf('low').queue));
    expect(producedValue(stateful, schedule('digest').Target.Arn)).toEqual(
      getArn(queueOf('default').queue),
    );
    expect(producedValue(stateful, target.DeadLetterConfig.Arn)).toEqual(
      getArn(statefulStack.storage.scheduleDeadLetterQueue),
    );
    expect(target.RoleArn).toEqual(getArn(stack.pipeline.schedules.role!));
  });

  it('send an envelope whose task id is fixed by the scheduled time', () => {
    const input = JSON.parse(schedule('nightly-report').Target.Input);
    expect(input).toEqual({
      v: 1,
      id: 'sched-nightly-report-<aws.scheduler.scheduled-time>',
      type: 'report.build',
      payload: { day: 'yesterday' },
      priority: 'low',
      enqueuedAt: '<aws.scheduler.scheduled-time>',
      traceId: '<aws.scheduler.execution-id>',
    });
    // What Scheduler delivers: the same id for every retry of one scheduled time.
    const delivered = (executionId: string) =>
      envelopeSchema.parse(
        JSON.parse(
          schedule('nightly-report')
            .Target.Input.replaceAll('<aws.scheduler.scheduled-time>', '2030-01-02T03:00:00Z')
            .replaceAll('<aws.scheduler.execution-id>', executionId),
        ),
      );
    const [first, retry] = [delivered('d32c5kddcf5bb8c3'), delivered('e41a7c0b9f1d2e33')];
    expect(first.id).toBe('sched-nightly-report-2030-01-02T03:00:00Z');
    expect(retry.id).toBe(first.id);
    expect(first.id).toMatch(TASK_ID_PATTERN);
  });

  it('assume a role only Scheduler in this account may use', () => {
    const role = resources('AWS::IAM::Role').find((r) =>
      JSON.stringify(r).includes('scheduler.amazonaws.com'),
    )!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals).toEqual({
      'aws:SourceAccount': { Ref: 'AWS::AccountId' },
      'aws:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }),
    });
  });
});
