import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redriveMessage } from '../../cli/redrive/redriveMessage.js';
import type { Target } from '../../cli/target.js';
import { DynamoTaskStore } from '../../functions/adapters/dynamodb/DynamoTaskStore.js';
import { SqsQueue } from '../../functions/adapters/sqs/SqsQueue.js';
import { type Backend, startEmulators, TEST_CREDENTIALS } from '../helpers/backends.js';
import {
  createPipeline,
  envelope,
  type Pipeline,
  receive,
  send,
} from '../helpers/consumerHarness.js';
import { testRegistry } from '../helpers/testTasks.js';

/** An SDK error as a service answers it. */
const serviceError = (name: string) => Object.assign(new Error(`${name} injected`), { name });

describe('redrive when its writes fail', () => {
  let backend: Backend;
  let p: Pipeline;

  beforeAll(async () => {
    backend = await startEmulators();
  });
  afterAll(async () => backend?.stop());
  beforeEach(async () => {
    p = await createPipeline(backend);
  });

  /** A FAILED task and its DLQ copy, as the consumer leaves them. */
  async function failedTask() {
    const task = envelope('test.permanent', {});
    await p.store.claim({
      ...task,
      enqueuedAt: Date.now(),
      maxAttempts: 1,
      leaseUntil: Date.now() + 60_000,
    });
    await p.store.finish(task.id, 1, {
      status: 'FAILED',
      error: { code: 'permanent', message: 'no' },
    });
    await send(backend.sqs, { ...p.standard, url: p.standard.dlqUrl }, task);
    const [message] = await receive(backend.sqs, p.standard.dlqUrl, 1, 1);
    return { task, message: message! };
  }

  /** A target whose sends fail, and whose store fails the revert when `revertFails`. */
  function target(revertFails: boolean): Target {
    const common = { region: backend.region, credentials: { ...TEST_CREDENTIALS }, maxAttempts: 1 };
    const sqs = new SQSClient({ ...common, endpoint: backend.sqsEndpoint });
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageCommand') throw serviceError('InternalError');
        return next(args);
      },
      { step: 'initialize', name: 'failSends' },
    );
    const dynamodb = new DynamoDBClient({ ...common, endpoint: backend.dynamodbEndpoint });
    let updates = 0;
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        // The first update is the requeue; the second, the revert after the failed send.
        if (context.commandName === 'UpdateItemCommand' && ++updates === 2 && revertFails) {
          throw serviceError('ServiceUnavailable');
        }
        return next(args);
      },
      { step: 'initialize', name: 'failRevert' },
    );
    const store = new DynamoTaskStore({ client: dynamodb, tableName: p.tableName });
    return { sqs, store, queue: new SqsQueue(sqs), registry: testRegistry } as unknown as Target;
  }

  it('sets the task FAILED again when the send fails, and leaves the copy', async () => {
    const { task, message } = await failedTask();

    const outcome = await redriveMessage(target(false), p.standard.route, message, false);

    expect(outcome).toEqual({
      kind: 'left',
      taskId: task.id,
      reason: 'send_failed: InternalError',
    });
    expect(await p.store.get(task.id)).toMatchObject({ status: 'FAILED' });
  });

  it('says the task stays QUEUED when restoring FAILED fails too', async () => {
    const { task, message } = await failedTask();

    const outcome = await redriveMessage(target(true), p.standard.route, message, false);

    expect(outcome).toMatchObject({ kind: 'left', taskId: task.id });
    const reason = outcome.kind === 'left' ? outcome.reason : '';
    expect(reason).toMatch(
      /^send_failed: InternalError; the task stays QUEUED \(restoring FAILED failed: .*revertRequeue.*ServiceUnavailable.*\); redrive again$/,
    );
    expect(await p.store.get(task.id)).toMatchObject({ status: 'QUEUED' });
  });
});
