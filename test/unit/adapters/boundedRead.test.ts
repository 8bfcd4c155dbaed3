import { describe, expect, it } from 'vitest';
import {
  boundedRead,
  MAX_READ_REQUESTS,
  type ReadRequest,
} from '../../../functions/adapters/dynamodb/boundedRead.js';
import { TaskStoreError } from '../../../functions/adapters/dynamodb/TaskStoreError.js';
import { type Item, newTaskItem } from '../../../functions/adapters/dynamodb/taskItem.js';

const task = (id: string): Item =>
  newTaskItem({ id, type: 'mail.send', priority: 'default', maxAttempts: 1, enqueuedAt: 1 }, 1, 9);
const key = (id: string): Item => ({ id: { S: id } });
const cursorAt = (item: Item) => `after:${item.id?.S}`;

type Page = Awaited<ReturnType<ReadRequest>>;

/** A Scan or Query that answers the given pages in turn and records where each began. */
function pages(...answers: Page[]) {
  const starts: (string | undefined)[] = [];
  const read: ReadRequest = async (startKey) => {
    starts.push(startKey?.id?.S);
    const answer = answers[starts.length - 1];
    if (!answer) throw new Error(`read ${starts.length} was not expected`);
    return answer;
  };
  return { read, starts };
}

describe('boundedRead', () => {
  it('reads page after page from where the last one stopped, to the end', async () => {
    const { read, starts } = pages(
      { Items: [task('a')], ScannedCount: 5, LastEvaluatedKey: key('k1') },
      { Items: [], ScannedCount: 7, LastEvaluatedKey: key('k2') },
      { Items: [task('b')] },
    );

    const page = await boundedRead(read, { limit: 10, startKey: key('s'), cursorAt });

    expect(page).toStrictEqual({
      tasks: [expect.objectContaining({ id: 'a' }), expect.objectContaining({ id: 'b' })],
      scanned: 13,
    });
    expect(starts).toEqual(['s', 'k1', 'k2']);
  });

  it('counts the items read when the answer gives no scanned count, and none for no items', async () => {
    const { read } = pages({ Items: [task('a'), task('b')], LastEvaluatedKey: key('k') }, {});

    expect(await boundedRead(read, { limit: 5, startKey: undefined, cursorAt })).toStrictEqual({
      tasks: [expect.objectContaining({ id: 'a' }), expect.objectContaining({ id: 'b' })],
      scanned: 2,
    });
  });

  it('stops at the limit inside a page, with a cursor at the last task given', async () => {
    const { read } = pages({ Items: [task('a'), task('b'), task('c')], ScannedCount: 3 });

    const page = await boundedRead(read, { limit: 2, startKey: undefined, cursorAt });

    expect(page.tasks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(page.nextCursor).toBe('after:b');
  });

  it('gives a cursor at the limit on a page end only when the read may go on', async () => {
    const more = pages({ Items: [task('a'), task('b')], LastEvaluatedKey: key('k') });
    const last = pages({ Items: [task('a'), task('b')] });

    const goesOn = await boundedRead(more.read, { limit: 2, startKey: undefined, cursorAt });
    const ends = await boundedRead(last.read, { limit: 2, startKey: undefined, cursorAt });

    expect(goesOn.nextCursor).toBe('after:b');
    expect(ends).toStrictEqual({
      tasks: [expect.objectContaining({ id: 'a' }), expect.objectContaining({ id: 'b' })],
      scanned: 2,
    });
  });

  it('spends at most its read budget, then answers a cursor at where it stopped', async () => {
    const empty = Array.from({ length: MAX_READ_REQUESTS }, (_, i) => ({
      Items: i === 3 ? [task('found')] : [],
      ScannedCount: 200,
      LastEvaluatedKey: key(`k${i}`),
    }));
    const { read, starts } = pages(...empty);

    const page = await boundedRead(read, { limit: 5, startKey: undefined, cursorAt });

    expect(starts).toHaveLength(MAX_READ_REQUESTS);
    expect(page).toStrictEqual({
      tasks: [expect.objectContaining({ id: 'found' })],
      scanned: 200 * MAX_READ_REQUESTS,
      nextCursor: `after:k${MAX_READ_REQUESTS - 1}`,
    });
  });

  it('answers no cursor when the last read of its budget reached the end', async () => {
    const answers = Array.from({ length: MAX_READ_REQUESTS }, (_, i) =>
      i < MAX_READ_REQUESTS - 1 ? { Items: [], LastEvaluatedKey: key(`k${i}`) } : { Items: [] },
    );

    const page = await boundedRead(pages(...answers).read, {
      limit: 5,
      startKey: undefined,
      cursorAt,
    });

    expect(page).toStrictEqual({ tasks: [], scanned: 0 });
  });

  it('reports a malformed item as a list error naming the item', async () => {
    const { read } = pages({ Items: [{ id: { S: 'broken' }, status: { S: 'QUEUED' } }] });

    const error = await boundedRead(read, { limit: 5, startKey: undefined, cursorAt }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(TaskStoreError);
    expect(error).toMatchObject({ operation: 'list', taskId: 'broken', retryable: false });
  });

  it('names an item without an id by an empty one', async () => {
    const { read } = pages({ Items: [{ status: { S: 'QUEUED' } }] });

    const error = await boundedRead(read, { limit: 5, startKey: undefined, cursorAt }).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ operation: 'list', taskId: '' });
  });
});
