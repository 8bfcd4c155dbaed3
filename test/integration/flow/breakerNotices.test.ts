import {
  CreateTopicCommand,
  DeleteTopicCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoFlowStore } from '../../../functions/adapters/dynamodb/DynamoFlowStore.js';
import { originOf } from '../../../functions/adapters/sns/noticeOrigin.js';
import { SnsNoticePublisher } from '../../../functions/adapters/sns/SnsNoticePublisher.js';
import { BreakerRegistry } from '../../../functions/core/flow/BreakerRegistry.js';
import { breakerAnnouncements } from '../../../functions/core/flow/breakerAnnouncements.js';
import { DEFAULT_BREAKER_POLICY as P } from '../../../functions/core/flow/breakerPolicy.js';
import { FlowAdmin } from '../../../functions/core/flow/FlowAdmin.js';
import type { LogFields, Logger } from '../../../functions/core/ports.js';
import { createRegistry } from '../../../functions/core/registry.js';
import { noticeOf } from '../../../functions/notifier/notification.js';
import { type Backend, TEST_CREDENTIALS, TEST_REGION } from '../../helpers/backend.js';
import { motoAvailability, startMoto } from '../../helpers/moto.js';
import { createTaskTable, uniqueName } from '../../helpers/resources.js';

const moto = motoAvailability();
if (!moto.available && !process.env.CI) {
  process.stdout.write(`skipping breaker notices on moto's SNS: ${moto.reason}\n`);
}

const KEY = 'host:api.example.com';
const T0 = Date.parse('2026-11-27T10:00:05.000Z');

function recordingLogger(): Logger & { errors: { message: string; fields: LogFields }[] } {
  const errors: { message: string; fields: LogFields }[] = [];
  const quiet = () => undefined;
  return {
    errors,
    debug: quiet,
    info: quiet,
    warn: quiet,
    error: (message, fields = {}) => void errors.push({ message, fields }),
  };
}

// A breaker's transitions through the real SNS client to moto's topic, delivered to a
// subscribed queue as SNS delivers to the notifier, and read by the notifier's parser.
describe.skipIf(!moto.available && !process.env.CI)('breaker notices on moto SNS', () => {
  let backend: Backend;
  let sns: SNSClient;
  let topicArn: string;
  let queueUrl: string;
  let store: DynamoFlowStore;
  const now = { t: T0 };
  const clock = { now: () => now.t };
  const moves: string[] = [];
  const logger = recordingLogger();

  beforeAll(async () => {
    backend = await startMoto();
    sns = new SNSClient({
      region: TEST_REGION,
      endpoint: backend.sqsEndpoint,
      credentials: { ...TEST_CREDENTIALS },
    });
    const tableName = uniqueName('breakers');
    await createTaskTable(backend, tableName);
    store = new DynamoFlowStore({ client: backend.dynamodb, tableName });
    topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName('alarms') }))).TopicArn!;
    queueUrl = (await backend.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('n') })))
      .QueueUrl!;
    const { Attributes } = await backend.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
    );
  }, 60_000);
  afterAll(async () => {
    sns?.destroy();
    await backend?.stop();
  });

  const announcements = (arn = topicArn) =>
    breakerAnnouncements({
      pipeline: 'taskpipe-test',
      logger,
      metrics: { breakerMoved: (e) => moves.push(`${e.move} ${e.key}`) },
      notices: new SnsNoticePublisher(sns, arn, originOf(arn, '/aws/lambda/consumer')!),
    });

  /** What the topic delivered so far: each SNS envelope's message, as JSON. */
  async function delivered(): Promise<Record<string, unknown>[]> {
    const { Messages = [] } = await backend.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    return Messages.map(
      (m) =>
        JSON.parse((JSON.parse(m.Body!) as { Message: string }).Message) as Record<string, unknown>,
    );
  }

  it('publishes one notice when the breaker opens, with the figures that tripped it', async () => {
    const events = announcements();
    const breakers = new BreakerRegistry({ store, clock, events });
    // 20 attempts, 12 failed: at 60%, over the 50% threshold with the 20 attempts it needs.
    for (let i = 0; i < 20; i++) await breakers.report(KEY, P, i >= 12, false);
    await breakers.flush(true);
    // More failures while it is open make no second transition, so no second notice.
    for (let i = 0; i < 5; i++) await breakers.report(KEY, P, false, false);
    await breakers.flush(true);
    await events.settled();

    const messages = await delivered();

    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      source: 'taskpipe',
      kind: 'circuit-breaker',
      pipeline: 'taskpipe-test',
      key: KEY,
      move: 'opened',
      state: 'open',
      previousState: 'closed',
      by: 'breaker',
      probingAt: new Date(T0 + P.coolDownMs).toISOString(),
      figures: { failures: 12, attempts: 20, windowSeconds: 60 },
      partition: 'aws',
      region: TEST_REGION,
      logGroup: '/aws/lambda/consumer',
    });
    const notice = noticeOf(JSON.stringify(messages[0]));
    expect(notice.title).toBe(`Circuit breaker opened: ${KEY}`);
    expect(notice.state).toBe('ALARM');
    expect(moves).toEqual([`opened ${KEY}`]);
    expect(logger.errors).toEqual([]);
  });

  it('publishes the close an operator makes, naming them', async () => {
    const events = announcements();
    const admin = new FlowAdmin({
      store,
      clock,
      routes: [],
      registry: createRegistry([]),
      events,
    });
    now.t = T0 + 1_000;

    await admin.closeBreaker(KEY, 'alice@example.com');
    await admin.closeBreaker(KEY, 'alice@example.com'); // already closed: nothing to say

    const messages = await delivered();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ key: KEY, move: 'closed', by: 'alice@example.com' });
    expect(noticeOf(JSON.stringify(messages[0])).reason).toBe(
      `Closed by hand by alice@example.com: tasks keyed to ${KEY} run again.`,
    );
  });

  it('logs a notice the topic refused, and the transition still stands', async () => {
    const gone = (await sns.send(new CreateTopicCommand({ Name: uniqueName('gone') }))).TopicArn!;
    await sns.send(new DeleteTopicCommand({ TopicArn: gone }));
    const events = announcements(gone);
    const admin = new FlowAdmin({
      store,
      clock,
      routes: [],
      registry: createRegistry([]),
      events,
    });

    const moved = await admin.openBreaker('host:other.example', 'bob');

    expect(moved.state).toBe('open');
    expect((await store.readBreaker('host:other.example'))?.state).toBe('open');
    expect(logger.errors).toEqual([
      {
        message: 'breaker notice not published; the transition stands',
        fields: expect.objectContaining({
          breaker: 'host:other.example',
          move: 'opened',
          by: 'bob',
        }),
      },
    ]);
  });
});
