import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ExpressionBuilder } from '../../../functions/adapters/dynamodb/ExpressionBuilder.js';
import { GroupStoreError } from '../../../functions/adapters/dynamodb/GroupStoreError.js';
import { GroupTable } from '../../../functions/adapters/dynamodb/GroupTable.js';

type Input = Record<string, unknown> & {
  RequestItems?: Record<string, { Keys: unknown[] }>;
};

/** A client that records each request and answers them in turn. */
function answering(...answers: unknown[]) {
  const inputs: Input[] = [];
  const client = {
    send: async (command: { input: Input }) => {
      inputs.push(command.input);
      if (inputs.length > answers.length) throw new Error(`request ${inputs.length} unexpected`);
      return answers[inputs.length - 1];
    },
  } as unknown as DynamoDBClient;
  return { inputs, table: new GroupTable(client, 'tasks') };
}

const leaf = (n: number) => ({ id: { S: `g#leaf#${n}` } });

// Answers the emulators never give: keys left unprocessed under throttling, an answer
// with no responses, an update that returns no attributes; and how reads are asked for,
// which every emulator serves consistently whatever the request says.
describe('GroupTable answers', () => {
  it('reads unprocessed leaves again until every key was read', async () => {
    const { inputs, table } = answering(
      { Responses: { tasks: [leaf(0)] }, UnprocessedKeys: { tasks: { Keys: [leaf(1)] } } },
      { Responses: { tasks: [leaf(1)] } },
    );

    const items = await table.readLeaves('progress', 'g', 2, ['endedCount']);

    expect(items).toEqual([leaf(0), leaf(1)]);
    expect(inputs.map((i) => i.RequestItems?.tasks?.Keys)).toEqual([[leaf(0), leaf(1)], [leaf(1)]]);
  });

  it('takes an answer without responses as no leaves found', async () => {
    const { table } = answering({});

    expect(await table.readLeaves('progress', 'g', 1, ['endedCount'])).toEqual([]);
  });

  it('reads leaves and items consistently', async () => {
    const { inputs, table } = answering({}, {});

    await table.readLeaves('progress', 'g', 1, ['endedCount']);
    await table.read('getGroup', 'g', 'g#group');

    expect(inputs[0]?.RequestItems?.tasks).toMatchObject({ ConsistentRead: true });
    expect(inputs[1]).toMatchObject({ ConsistentRead: true, TableName: 'tasks' });
  });

  it('answers an applied update that returned no attributes with an empty item', async () => {
    const { table } = answering({});
    const e = new ExpressionBuilder().setValue('x', { N: '1' });

    expect(await table.update('seal', 'g', 'g#group', e, 'attribute_exists(id)')).toEqual({});
  });

  it('turns an update error that is not a failed condition into a GroupStoreError', async () => {
    const cause = new Error('table gone');
    const client = {
      send: async () => {
        throw cause;
      },
    } as unknown as DynamoDBClient;
    const e = new ExpressionBuilder().setValue('x', { N: '1' });

    const update = new GroupTable(client, 'tasks').update('seal', 'g', 'g#group', e, 'c');

    await expect(update).rejects.toBeInstanceOf(GroupStoreError);
    await expect(update).rejects.toMatchObject({ cause });
  });
});
