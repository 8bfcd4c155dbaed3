import {
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atExpression,
  EventBridgeScheduler,
} from '../../../functions/adapters/scheduler/EventBridgeScheduler.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../../helpers/backend.js';
import { motoAvailability, startMoto } from '../../helpers/moto.js';

// moto stores schedules (create, get, list, delete, ActionAfterCompletion) but never fires
// them: firing is tested with the local timer (test/integration/local/localScheduler.test.ts).
const moto = motoAvailability();
if (!moto.available) console.warn(`skipping EventBridge Scheduler tests: ${moto.reason}`);
if (!moto.available && process.env.CI) throw new Error(`moto is required under CI: ${moto.reason}`);

const GROUP = 'taskpipe-delays';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/tp-default';
const FIFO_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/tp-high.fifo';
const ROLE = 'arn:aws:iam::123456789012:role/taskpipe-scheduler';

describe.skipIf(!moto.available)('EventBridgeScheduler on moto', () => {
  let stop: () => Promise<void>;
  let client: SchedulerClient;
  let scheduler: EventBridgeScheduler;

  beforeAll(async () => {
    const backend = await startMoto();
    stop = () => backend.stop();
    client = new SchedulerClient({
      endpoint: backend.sqsEndpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
    });
    await client.send(new CreateScheduleGroupCommand({ Name: GROUP }));
    scheduler = new EventBridgeScheduler({
      client,
      groupName: GROUP,
      roleArn: ROLE,
      queueArns: new Map([
        [QUEUE_URL, 'arn:aws:sqs:us-east-1:123456789012:tp-default'],
        [FIFO_URL, 'arn:aws:sqs:us-east-1:123456789012:tp-high.fifo'],
      ]),
    });
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await stop?.();
  });

  it('creates a one-time schedule that sends the envelope to the queue, then deletes itself', async () => {
    const at = Date.parse('2027-03-01T10:00:00.250Z');
    await scheduler.create({ name: 'task-one', at, queueUrl: QUEUE_URL, body: '{"v":1}' });

    const got = await client.send(new GetScheduleCommand({ Name: 'task-one', GroupName: GROUP }));
    expect(got.ScheduleExpression).toBe('at(2027-03-01T10:00:01)');
    expect(got.ActionAfterCompletion).toBe('DELETE');
    expect(got.Target?.Arn).toBe('arn:aws:sqs:us-east-1:123456789012:tp-default');
    expect(got.Target?.RoleArn).toBe(ROLE);
    expect(got.Target?.Input).toBe('{"v":1}');
    expect(got.Target?.SqsParameters).toBeUndefined();
  });

  it('carries the message group id for a FIFO queue', async () => {
    await scheduler.create({
      name: 'task-fifo',
      at: Date.parse('2027-03-01T10:00:00Z'),
      queueUrl: FIFO_URL,
      body: '{}',
      groupId: 'task-fifo',
    });
    const got = await client.send(new GetScheduleCommand({ Name: 'task-fifo', GroupName: GROUP }));
    expect(got.Target?.SqsParameters?.MessageGroupId).toBe('task-fifo');
  });

  it('takes a repeated create as done, and a delete of a missing schedule as done', async () => {
    const message = {
      name: 'task-twice',
      at: Date.now() + 3_600_000,
      queueUrl: QUEUE_URL,
      body: '{}',
    };
    await scheduler.create(message);
    await expect(scheduler.create(message)).resolves.toBeUndefined();

    await scheduler.delete('task-twice');
    await expect(scheduler.delete('task-twice')).resolves.toBeUndefined();
    const listed = await client.send(new ListSchedulesCommand({ GroupName: GROUP }));
    expect(listed.Schedules?.map((s) => s.Name)).not.toContain('task-twice');
  });

  it('refuses a queue it has no ARN for', async () => {
    await expect(
      scheduler.create({ name: 'x', at: Date.now(), queueUrl: 'https://elsewhere/q', body: '{}' }),
    ).rejects.toThrow(/no queue ARN is configured for https:\/\/elsewhere\/q/);
  });
});

describe('atExpression', () => {
  it('rounds up to the next whole second, in UTC', () => {
    expect(atExpression(Date.parse('2027-01-01T00:00:00.000Z'))).toBe('at(2027-01-01T00:00:00)');
    expect(atExpression(Date.parse('2027-01-01T00:00:00.001Z'))).toBe('at(2027-01-01T00:00:01)');
  });
});
