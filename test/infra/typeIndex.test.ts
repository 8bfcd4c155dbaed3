import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_TABLE } from '../../functions/adapters/dynamodb/tableSchema.js';
import { createTaskTable } from '../../local/resources.js';
import type { Backend } from '../helpers/backend.js';
import { startEmulators } from '../helpers/emulators.js';
import { synthTaskpipe, testDefinition } from './fixtures.js';

const { typeIndex } = TASK_TABLE;
const expectedIndex = {
  IndexName: typeIndex.name,
  KeySchema: [
    { AttributeName: typeIndex.partitionKey, KeyType: 'HASH' },
    { AttributeName: typeIndex.sortKey, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'ALL' },
};

// The opt-in index exists on both targets when the definition asks for it, and only then.
describe('table.typeIndex', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await startEmulators();
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const indexes = (definition: object) => {
    const { statefulTemplate } = synthTaskpipe({
      definition: { ...testDefinition, ...definition },
    });
    const tables = Object.values(statefulTemplate.findResources('AWS::DynamoDB::Table'));
    return (tables[0]?.Properties?.GlobalSecondaryIndexes ?? []) as { IndexName: string }[];
  };

  it('adds the byType index to the stack when set', () => {
    const set = indexes({ table: { typeIndex: true } });
    expect(set).toContainEqual(expectedIndex);
    expect(indexes({}).map((i) => i.IndexName)).toEqual([
      TASK_TABLE.failureIndex.name,
      TASK_TABLE.allFailuresIndex.name,
    ]);
  });

  it('lets the API function query it, and says so in its environment, only when set', () => {
    const api = (definition: object) => {
      const { statelessTemplate } = synthTaskpipe({
        definition: { ...testDefinition, ...definition },
      });
      const fn = Object.values(statelessTemplate.findResources('AWS::Lambda::Function')).find(
        (f) => f.Properties?.Environment?.Variables?.TASKPIPE_MAX_PAYLOAD_BYTES !== undefined,
      );
      const policies = JSON.stringify(statelessTemplate.findResources('AWS::IAM::Policy'));
      return { env: fn?.Properties.Environment.Variables, policies };
    };
    const on = api({ table: { typeIndex: true } });
    const off = api({});
    expect(on.env.TASKPIPE_TYPE_INDEX).toBe('1');
    expect(on.policies).toContain(`/index/${typeIndex.name}`);
    expect(off.env).not.toHaveProperty('TASKPIPE_TYPE_INDEX');
    expect(off.policies).not.toContain(`/index/${typeIndex.name}`);
  });

  it('adds the same index to the local table', async () => {
    const made = await createTaskTable(backend.dynamodb, 'with-type-index', { typeIndex: true });
    const plain = await createTaskTable(backend.dynamodb, 'without-type-index');
    // An existing table keeps its indexes, and says which it has.
    const again = await createTaskTable(backend.dynamodb, 'without-type-index', {
      typeIndex: true,
    });
    expect(made.has(typeIndex.name)).toBe(true);
    expect([...plain].sort()).toEqual([...again].sort());
    expect(again.has(typeIndex.name)).toBe(false);
    const describe = async (name: string) =>
      (await backend.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table
        ?.GlobalSecondaryIndexes ?? [];
    const local = await describe('with-type-index');
    expect(local.find((i) => i.IndexName === typeIndex.name)).toMatchObject(expectedIndex);
    expect((await describe('without-type-index')).map((i) => i.IndexName)).toEqual([
      TASK_TABLE.failureIndex.name,
      TASK_TABLE.allFailuresIndex.name,
    ]);
  });
});
