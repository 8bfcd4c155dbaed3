import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ExpressionBuilder } from '../../../functions/adapters/dynamodb/ExpressionBuilder.js';
import { TaskStoreError } from '../../../functions/adapters/dynamodb/TaskStoreError.js';
import { TaskTable } from '../../../functions/adapters/dynamodb/TaskTable.js';
import { type Item, newTaskItem } from '../../../functions/adapters/dynamodb/taskItem.js';

type Input = Record<string, unknown>;

/** A client that records each request and answers them in turn (a function throws). */
function answering(...answers: (unknown | (() => never))[]) {
  const inputs: Input[] = [];
  const client = {
    send: async (command: { input: Input }) => {
      inputs.push(command.input);
      if (inputs.length > answers.length) throw new Error(`request ${inputs.length} unexpected`);
      const answer = answers[inputs.length - 1];
      return typeof answer === 'function' ? answer() : answer;
    },
  } as unknown as DynamoDBClient;
  return { inputs, table: new TaskTable(client, 'tasks') };
}

const item = (id: string, status = 'QUEUED'): Item => ({
  ...newTaskItem(
    { id, type: 'mail.send', priority: 'default', maxAttempts: 1, enqueuedAt: 1 },
    1,
    9,
  ),
  status: { S: status },
});
const refused = (old?: Item) => () => {
  throw Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
    ...(old ? { Item: old } : {}),
  });
};
const condition = () => new ExpressionBuilder().setValue('status', { S: 'RUNNING' });

// Answers the emulators do not give alike: dynalite never returns the item with a refused
// condition (moto does), and every emulator reads consistently whatever the request says.
describe('TaskTable answers', () => {
  it('takes the item a refused write returned as the current one, without reading again', async () => {
    const { inputs, table } = answering(refused(item('t-1', 'SUCCEEDED')));

    const outcome = await table.update('finish', 't-1', condition(), 'attribute_exists(id)');

    expect(outcome).toMatchObject({ applied: false, current: { id: 't-1', status: 'SUCCEEDED' } });
    expect(inputs).toHaveLength(1);
  });

  it('reads the current item consistently when a refused write returned none', async () => {
    const { inputs, table } = answering(refused(), { Item: item('t-1', 'RUNNING') });

    const outcome = await table.update('finish', 't-1', condition(), 'attribute_exists(id)');

    expect(outcome).toMatchObject({ applied: false, current: { id: 't-1', status: 'RUNNING' } });
    expect(inputs[1]).toMatchObject({
      TableName: 'tasks',
      Key: { id: { S: 't-1' } },
      ConsistentRead: true,
    });
  });

  it('calls an applied update or delete that returned no item malformed, naming the task', async () => {
    const { table } = answering({}, {});

    const update = await table
      .update('finish', 't-1', condition(), 'attribute_exists(id)')
      .catch((e: unknown) => e);
    const removal = await table
      .delete('deleteUnclaimed', 't-2', new ExpressionBuilder(), 'attribute_exists(id)')
      .catch((e: unknown) => e);

    expect(update).toBeInstanceOf(TaskStoreError);
    expect(update).toMatchObject({ operation: 'finish', taskId: 't-1', retryable: false });
    expect((update as Error).message).toContain('stored item is malformed: ');
    expect(removal).toMatchObject({ operation: 'deleteUnclaimed', taskId: 't-2' });
  });

  it('raises an error other than a refused condition, and reads nothing after it', async () => {
    const throttled = () => {
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'ProvisionedThroughputExceededException',
      });
    };
    const { inputs, table } = answering(throttled, { Item: item('t-1') });

    const error = await table
      .update('finish', 't-1', condition(), 'attribute_exists(id)')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TaskStoreError);
    expect(error).toMatchObject({ operation: 'finish', taskId: 't-1', retryable: true });
    expect(inputs).toHaveLength(1);
  });

  it('names a put of an item without an id by an empty one', async () => {
    const failure = () => {
      throw Object.assign(new Error('boom'), { name: 'InternalServerError' });
    };
    const { table } = answering(failure, failure);
    const noId = { status: { S: 'QUEUED' } };

    const put = await table
      .put('create', noId, new ExpressionBuilder(), 'attribute_not_exists(id)')
      .catch((e: unknown) => e);
    const raw = await table
      .putRaw('create', noId, new ExpressionBuilder(), 'attribute_not_exists(id)')
      .catch((e: unknown) => e);

    expect(put).toMatchObject({ operation: 'create', taskId: '' });
    expect(raw).toMatchObject({ operation: 'create', taskId: '' });
  });
});
