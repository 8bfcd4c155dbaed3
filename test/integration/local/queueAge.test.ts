import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeAgeOfOldestMessage } from '../../../local/alarms/queueAge.js';
import type { Backend } from '../../helpers/backend.js';
import { startEmulators } from '../../helpers/emulators.js';

const HOUR_MS = 3_600_000;

// fauxqs only: the local runtime embeds fauxqs and reads its inspection endpoint, which
// moto does not have (on AWS, CloudWatch computes the metric).
// The local alarm reads the age from every message fauxqs holds, in flight included, the
// way CloudWatch does: a retry waiting out a long backoff still makes the queue old.
describe('local ApproximateAgeOfOldestMessage (fauxqs)', () => {
  let backend: Backend;
  let url: string;
  const name = 'age-test';
  const anHourLater = () => Date.now() + HOUR_MS;

  beforeAll(async () => {
    backend = await startEmulators();
    url = (await backend.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it('counts a message kept in flight by a long backoff, until it is deleted', async () => {
    await backend.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'retry me' }));
    expect(
      await observeAgeOfOldestMessage(backend.sqsEndpoint, name, anHourLater),
    ).toBeGreaterThanOrEqual(3_599);

    const { Messages } = await backend.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }),
    );
    const handle = Messages![0]!.ReceiptHandle!;
    await backend.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: handle,
        VisibilityTimeout: 900,
      }),
    );
    expect(
      await observeAgeOfOldestMessage(backend.sqsEndpoint, name, anHourLater),
    ).toBeGreaterThanOrEqual(3_599);

    await backend.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handle }));
    expect(await observeAgeOfOldestMessage(backend.sqsEndpoint, name, anHourLater)).toBe(0);
  });

  it('has no data for a queue it cannot inspect', async () => {
    expect(await observeAgeOfOldestMessage(backend.sqsEndpoint, 'no-such-queue')).toBeUndefined();
  });
});
