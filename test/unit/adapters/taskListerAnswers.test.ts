import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { failureShard } from '../../../functions/adapters/dynamodb/failureKeys.js';
import { TaskLister } from '../../../functions/adapters/dynamodb/TaskLister.js';
import { TaskStoreError } from '../../../functions/adapters/dynamodb/TaskStoreError.js';
import { TASK_TABLE } from '../../../functions/adapters/dynamodb/tableSchema.js';
import {
  ATTR,
  type Item,
  newTaskItem,
  num,
  str,
} from '../../../functions/adapters/dynamodb/taskItem.js';

// Answers that the emulators do not give on demand: short pages with a LastEvaluatedKey,
// pages with no Items, the missing-index errors of DynamoDB and moto, and other errors.
type Page = { Items?: Item[]; LastEvaluatedKey?: Item };
type Answer = Page | (() => never);
type Call = { index: string; partition: string };

const NOW = 1_780_000_000_000;
const clock = { now: () => NOW };

function failure(id: string, at: number, type = 'mail.send'): Item {
  const item = newTaskItem(
    { id, type, priority: 'default', maxAttempts: 3, enqueuedAt: 1 },
    1,
    NOW / 1000 + 3_600,
  );
  item[ATTR.status] = str('FAILED');
  item[ATTR.failedType] = str(type);
  item[ATTR.failedAt] = num(at);
  item[ATTR.failedShard] = str(failureShard(at));
  return item;
}

const more: Item = { id: str('more') };

/**
 * A client whose Query of each index partition (`"<index>/<key>"`) answers with that
 * partition's next answer, and refuses a read no answer was given for.
 */
function partitions(answers: Record<string, Answer[]>) {
  const calls: Call[] = [];
  const client = {
    send: async (command: { input: Record<string, unknown> }) => {
      const { IndexName, ExpressionAttributeValues } = command.input as {
        IndexName: string;
        ExpressionAttributeValues: Record<string, AttributeValue>;
      };
      // The partition key's value is the first value an expression names.
      const partition = Object.values(ExpressionAttributeValues)[0]?.S ?? '';
      const seen = calls.filter((c) => c.index === IndexName && c.partition === partition);
      calls.push({ index: IndexName, partition });
      const answer = answers[`${IndexName}/${partition}`]?.[seen.length];
      if (!answer)
        throw new Error(`unexpected read ${seen.length + 1} of ${IndexName}/${partition}`);
      return typeof answer === 'function' ? answer() : answer;
    },
  } as unknown as DynamoDBClient;
  return { calls, lister: new TaskLister(client, 'tasks', clock, false) };
}

const { allFailuresIndex, failureIndex } = TASK_TABLE;
const shard = (n: number) => `${allFailuresIndex.name}/${n}`;
const ofType = (type: string) => `${failureIndex.name}/${type}`;

const thrown = (name: string, message: string) => () => {
  throw Object.assign(new Error(message), { name });
};
const missingIndexDynamo = thrown(
  'ValidationException',
  'The table does not have the specified index: allFailures',
);
const missingIndexMoto = thrown(
  'ResourceNotFoundException',
  'Invalid index: allFailures for table tasks. Available indexes are: failures',
);

const ids = (page: { tasks: { id: string }[] }) => page.tasks.map((t) => t.id);
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('the order of merged failures', () => {
  it('puts the newest failure first across shards, and a later id first in a tie', async () => {
    const { lister } = partitions({
      [shard(0)]: [{ Items: [failure('t-a', 30), failure('t-d', 10)] }],
      [shard(1)]: [{ Items: [failure('t-b', 20), failure('t-c', 20)] }],
    });

    const page = await lister.list({ status: 'FAILED', limit: 10 });

    expect(ids(page)).toEqual(['t-a', 't-c', 't-b', 't-d']);
  });

  it('orders a large tie by id descending, whatever order the index gave', async () => {
    // 150 failures at one time, in a scrambled order: enough for the sort to merge runs.
    const tied = Array.from(
      { length: 150 },
      (_, i) => `t-${String((i * 37) % 150).padStart(3, '0')}`,
    );
    const { lister } = partitions({
      [shard(0)]: [{ Items: tied.map((id) => failure(id, 50)) }],
      [shard(1)]: [{ Items: [] }],
    });

    const page = await lister.list({ status: 'FAILED', limit: 200 });

    expect(ids(page)).toEqual([...tied].sort().reverse());
  });
});

describe('reading one partition', () => {
  it('reads on past a short page until the page is full', async () => {
    const { lister, calls } = partitions({
      [ofType('mail.send')]: [
        { Items: [failure('t-c', 30)], LastEvaluatedKey: more },
        { Items: [failure('t-b', 20), failure('t-a', 10)] },
      ],
    });

    const page = await lister.list({ status: 'FAILED', type: 'mail.send', limit: 2 });

    expect(ids(page)).toEqual(['t-c', 't-b']);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(calls).toHaveLength(2);
  });

  it('stops once a failure older than the page’s last one is read', async () => {
    // A second read would be refused: the partition has nothing the page needs.
    const { lister } = partitions({
      [ofType('mail.send')]: [
        { Items: [failure('t-b', 50), failure('t-a', 40)], LastEvaluatedKey: more },
      ],
    });

    const page = await lister.list({ status: 'FAILED', type: 'mail.send', limit: 1 });

    expect(ids(page)).toEqual(['t-b']);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('reads the rest of a tie with the page’s last failure before stopping', async () => {
    const { lister, calls } = partitions({
      [ofType('mail.send')]: [
        { Items: [failure('t-b', 50)], LastEvaluatedKey: more },
        { Items: [failure('t-a', 50), failure('t-z', 40)], LastEvaluatedKey: more },
      ],
    });

    const page = await lister.list({ status: 'FAILED', type: 'mail.send', limit: 1 });

    expect(ids(page)).toEqual(['t-b']);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(calls).toHaveLength(2);
  });

  it('takes a page without Items as empty', async () => {
    const { lister } = partitions({ [ofType('mail.send')]: [{}] });

    const page = await lister.list({ status: 'FAILED', type: 'mail.send', limit: 5 });

    expect(page).toEqual({ tasks: [], via: 'failures' });
  });

  it('names the task whose item is malformed', async () => {
    const bad = { ...failure('t-bad', 10), [ATTR.attempts]: str('three') };
    const { lister } = partitions({ [ofType('mail.send')]: [{ Items: [bad] }] });

    const error = await rejection(lister.list({ status: 'FAILED', type: 'mail.send', limit: 5 }));

    expect(error).toBeInstanceOf(TaskStoreError);
    expect(error).toMatchObject({ operation: 'list', taskId: 't-bad', retryable: false });
  });
});

describe('a table without the allFailures index', () => {
  it.each([
    ['DynamoDB and dynalite', missingIndexDynamo],
    ['moto', missingIndexMoto],
  ])('queries each listed type instead, from then on (%s)', async (_, missing) => {
    const { lister, calls } = partitions({
      [shard(0)]: [missing],
      [shard(1)]: [missing],
      [ofType('mail.send')]: [{ Items: [failure('t-a', 10)] }, { Items: [failure('t-a', 10)] }],
      [ofType('sms.send')]: [
        { Items: [failure('t-b', 20, 'sms.send')] },
        { Items: [failure('t-b', 20, 'sms.send')] },
      ],
    });
    const query = { status: 'FAILED', types: ['mail.send', 'sms.send'], limit: 5 } as const;

    const first = await lister.list(query);
    const second = await lister.list(query);

    expect(ids(first)).toEqual(['t-b', 't-a']);
    expect(ids(second)).toEqual(['t-b', 't-a']);
    // The index is asked once; the second listing goes straight to the types.
    expect(calls.filter((c) => c.index === allFailuresIndex.name)).toHaveLength(2);
  });

  it('lists nothing when no types are given', async () => {
    const { lister, calls } = partitions({
      [shard(0)]: [missingIndexDynamo],
      [shard(1)]: [missingIndexDynamo],
    });

    const page = await lister.list({ status: 'FAILED', limit: 5 });

    expect(page.tasks).toEqual([]);
    expect(calls).toHaveLength(2);
  });

  it.each([
    [
      'another validation error',
      thrown('ValidationException', 'One or more parameter values were invalid'),
    ],
    ['a missing table', thrown('ResourceNotFoundException', 'Requested resource not found')],
    [
      'a missing index named elsewhere in the message',
      thrown('ResourceNotFoundException', 'Bad: Invalid index: x'),
    ],
    [
      'an index message under another name',
      thrown('InternalServerError', 'Invalid index: allFailures'),
    ],
    [
      'a missing-index text under another name',
      thrown('ThrottlingException', 'The table does not have the specified index: allFailures'),
    ],
    [
      'a thrown value that is not an Error',
      () => {
        throw {
          name: 'ValidationException',
          message: 'The table does not have the specified index: allFailures',
        };
      },
    ],
  ])('passes on %s, without falling back', async (_, failing) => {
    const { lister, calls } = partitions({
      [shard(0)]: [failing as () => never],
      [shard(1)]: [failing as () => never],
    });

    const error = await rejection(
      lister.list({ status: 'FAILED', types: ['mail.send'], limit: 5 }),
    );

    expect(error).toBeInstanceOf(TaskStoreError);
    expect(error).toMatchObject({ operation: 'list', taskId: '(list)' });
    expect(calls.every((c) => c.index === allFailuresIndex.name)).toBe(true);
  });
});
