import {
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { Clock, TaskListQuery, TaskPage } from '../../core/ports.js';
import type { TaskRecord } from '../../core/status.js';
import { boundedRead, MAX_READ_REQUESTS, READ_PAGE_ITEMS } from './boundedRead.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import {
  type CursorFilters,
  decodeCursor,
  encodeCursor,
  type FailurePosition,
} from './listCursor.js';
import { TaskStoreError } from './TaskStoreError.js';
import { toRecord } from './TaskTable.js';
import { TASK_TABLE } from './tableSchema.js';
import { ATTR, type Item, num, str } from './taskItem.js';

interface Failure {
  record: TaskRecord;
  at: number;
}

/** Newest failure first, then the later id: ids are unique, so the order is total and a cursor exact. */
// Stryker disable next-line EqualityOperator: ids are unique in a listing, so > and >= never differ
const newestFirst = (a: Failure, b: Failure) => b.at - a.at || (a.record.id > b.record.id ? -1 : 1);

/** Where one partition of failures is read: an index and its partition key's value. */
interface FailurePartition {
  index: { name: string; partitionKey: string; sortKey: string };
  key: string;
}

/**
 * Lists tasks. `status: 'FAILED'` reads a sparse failure index: one type's from `failures`
 * (key `failedType`), every type's from `allFailures`, one query per shard (key
 * `failedShard`), merged newest first. Every other filter is a Scan with a FilterExpression:
 * not indexed, it reads (and bills) items that do not match, so one call reads at most
 * {@link MAX_READ_REQUESTS} × {@link READ_PAGE_ITEMS} items and may return a short or empty
 * page with a cursor to continue.
 */
export class TaskLister {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    /** The table has the opt-in `byType` index: a type's tasks are queried, not scanned. */
    private readonly typeIndex: boolean,
  ) {}

  /**
   * Cleared when the table turns out to have no `allFailures` index (a local data dir made
   * before it: emulators cannot add an index to a table), so every type is queried instead.
   */
  private allFailuresIndex = true;

  async list(query: TaskListQuery): Promise<TaskPage> {
    if (query.status === 'FAILED') return { ...(await this.failures(query)), via: 'failures' };
    if (query.type && this.typeIndex) {
      return { ...(await this.byType(query, query.type)), via: 'typeIndex' };
    }
    return { ...(await this.scan(query)), via: 'scan' };
  }

  /**
   * One type's tasks from the `byType` index, newest first, the creation-time range in the
   * key condition and the other filters applied to what it reads; bounded as a scan is.
   */
  private async byType(query: TaskListQuery, type: string): Promise<TaskPage> {
    const { typeIndex } = TASK_TABLE;
    const filters = listFilters(query);
    const after = query.cursor ? decodeCursor(query.cursor, filters, 'failure') : undefined;
    const e = new ExpressionBuilder();
    let keyCondition = `${e.name(typeIndex.partitionKey)} = ${e.value(str(type))}`;
    const from = query.createdFrom;
    const to = query.createdTo === undefined ? undefined : query.createdTo - 1;
    // Named only when a range uses it: DynamoDB refuses a placeholder no expression uses.
    const sortKey = () => e.name(typeIndex.sortKey);
    if (from !== undefined && to !== undefined) {
      keyCondition += ` AND ${sortKey()} BETWEEN ${e.value(num(from))} AND ${e.value(num(to))}`;
    } else if (from !== undefined) keyCondition += ` AND ${sortKey()} >= ${e.value(num(from))}`;
    else if (to !== undefined) keyCondition += ` AND ${sortKey()} <= ${e.value(num(to))}`;
    const conditions = [this.notExpired(e)];
    if (query.status) conditions.push(`${e.name(ATTR.status)} = ${e.value(str(query.status))}`);
    if (query.priority) {
      conditions.push(`${e.name(ATTR.priority)} = ${e.value(str(query.priority))}`);
    }
    const startKey: Item | undefined = after
      ? {
          [ATTR.id]: str(after.id),
          [typeIndex.partitionKey]: str(type),
          [typeIndex.sortKey]: num(after.at),
        }
      : undefined;
    const cursorAt = (item: Item) =>
      // Stryker disable next-line OptionalChaining,StringLiteral: an item or key read from byType always has its id and createdAt
      encodeCursor(filters, { at: Number(item[ATTR.createdAt]?.N ?? 0), id: item.id?.S ?? '' });
    return boundedRead(
      (from) =>
        this.send(() =>
          this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: typeIndex.name,
              KeyConditionExpression: keyCondition,
              FilterExpression: conditions.join(' AND '),
              ScanIndexForward: false,
              Limit: Math.min(READ_PAGE_ITEMS, query.limit + 1),
              ExclusiveStartKey: from,
              ...e.attributes(),
            }),
          ),
        ),
      { limit: query.limit, startKey, cursorAt },
    );
  }

  private async failures(query: TaskListQuery): Promise<TaskPage> {
    const filters = listFilters(query);
    const after = query.cursor ? decodeCursor(query.cursor, filters, 'failure') : undefined;
    const merged = (await this.failuresIn(query, after)).sort(newestFirst);
    const page = merged.slice(0, query.limit);
    const last = page.at(-1);
    return {
      tasks: page.map((f) => f.record),
      ...(merged.length > query.limit && last
        ? { nextCursor: encodeCursor(filters, { at: last.at, id: last.record.id }) }
        : {}),
    };
  }

  private async failuresIn(query: TaskListQuery, after?: FailurePosition): Promise<Failure[]> {
    const { failureIndex, allFailuresIndex } = TASK_TABLE;
    const read = (partitions: FailurePartition[]) =>
      Promise.all(partitions.map((p) => this.failuresOf(p, query, after))).then((f) => f.flat());
    if (query.type !== undefined) return read([{ index: failureIndex, key: query.type }]);
    if (this.allFailuresIndex) {
      const shards = Array.from({ length: allFailuresIndex.shards }, (_, shard) => ({
        index: allFailuresIndex,
        key: String(shard),
      }));
      try {
        return await read(shards);
      } catch (error) {
        if (!isMissingIndex(error)) throw error;
        this.allFailuresIndex = false;
      }
    }
    return read((query.types ?? []).map((type) => ({ index: failureIndex, key: type })));
  }

  /**
   * One partition's failures after `after`: more than `limit` of them, and the whole group
   * sharing the failure time of the `limit`-th, so a merged page never splits a tie unseen.
   */
  private async failuresOf(
    { index, key }: FailurePartition,
    query: TaskListQuery,
    after?: FailurePosition,
  ) {
    const { limit } = query;
    const e = new ExpressionBuilder();
    let keyCondition = `${e.name(index.partitionKey)} = ${e.value(str(key))}`;
    if (after) keyCondition += ` AND ${e.name(index.sortKey)} <= ${e.value(num(after.at))}`;
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: keyCondition,
      FilterExpression: [this.notExpired(e), ...rangeConditions(e, query)].join(' AND '),
      ScanIndexForward: false,
      Limit: limit + 1,
      ...e.attributes(),
    };
    const found: Failure[] = [];
    let oldest = Number.POSITIVE_INFINITY;
    let startKey: Item | undefined;
    do {
      const out = await this.send(() =>
        this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey })),
      );
      for (const item of out.Items ?? []) {
        // Stryker disable next-line OptionalChaining,StringLiteral: every item read carries the table's key, id
        const failure = { record: toRecord('list', item.id?.S ?? '', item), at: failedAt(item) };
        if (after && failure.at === after.at && failure.record.id >= after.id) continue;
        found.push(failure);
        oldest = failure.at;
      }
      startKey = out.LastEvaluatedKey;
      // Past the limit-th failure and every failure tied with it: the rest is older.
      const boundary = found[limit - 1];
      if (boundary && oldest < boundary.at) break;
    } while (startKey);
    return found;
  }

  private async scan(query: TaskListQuery): Promise<TaskPage> {
    const filters = listFilters(query);
    // Stryker disable next-line StringLiteral: decodeCursor tells 'failure' from any other kind, so '' reads as 'scan'
    const after = query.cursor ? decodeCursor(query.cursor, filters, 'scan') : undefined;
    const e = new ExpressionBuilder();
    // Payload items (payloadItem.ts) share the table but have no status.
    const conditions = [this.notExpired(e), `attribute_exists(${e.name(ATTR.status)})`];
    if (query.status) conditions.push(`${e.name(ATTR.status)} = ${e.value(str(query.status))}`);
    if (query.type) conditions.push(`${e.name(ATTR.type)} = ${e.value(str(query.type))}`);
    conditions.push(...rangeConditions(e, query));
    return boundedRead(
      (from) =>
        this.send(() =>
          this.client.send(
            new ScanCommand({
              TableName: this.tableName,
              FilterExpression: conditions.join(' AND '),
              Limit: READ_PAGE_ITEMS,
              ExclusiveStartKey: from,
              ...e.attributes(),
            }),
          ),
        ),
      {
        limit: query.limit,
        startKey: after ? { [ATTR.id]: str(after.id) } : undefined,
        // Stryker disable next-line OptionalChaining,StringLiteral: an item or key read from the table always has its id
        cursorAt: (item) => encodeCursor(filters, { id: item.id?.S ?? '' }),
      },
    );
  }

  /** TTL deletes lazily, so expired items are filtered out here too. */
  private notExpired(e: ExpressionBuilder): string {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    return `${e.name(ATTR.expiresAt)} > ${e.value(num(nowSeconds))}`;
  }

  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new TaskStoreError('list', '(list)', error);
    }
  }
}

/** Priority and creation-time conditions, for a scan and the failure index alike. */
function rangeConditions(e: ExpressionBuilder, query: TaskListQuery): string[] {
  const out: string[] = [];
  if (query.priority) out.push(`${e.name(ATTR.priority)} = ${e.value(str(query.priority))}`);
  if (query.createdFrom !== undefined) {
    out.push(`${e.name(ATTR.createdAt)} >= ${e.value(num(query.createdFrom))}`);
  }
  if (query.createdTo !== undefined) {
    out.push(`${e.name(ATTR.createdAt)} < ${e.value(num(query.createdTo))}`);
  }
  return out;
}

/** The filters a cursor is issued for; absent ones are left out of its JSON. */
function listFilters(query: TaskListQuery): CursorFilters {
  return {
    s: query.status,
    t: query.type,
    p: query.priority,
    a: query.createdFrom,
    b: query.createdTo,
  };
}

/**
 * The answer to a query on an index the table does not have: DynamoDB and dynalite send a
 * ValidationException ("does not have the specified index"), moto a ResourceNotFoundException
 * ("Invalid index").
 */
function isMissingIndex(error: unknown): boolean {
  // Stryker disable next-line ConditionalExpression: send() wraps every error of a read, so the cause is always taken
  const cause = error instanceof TaskStoreError ? error.cause : error;
  if (!(cause instanceof Error)) return false;
  return (
    (cause.name === 'ValidationException' &&
      /does not have the specified index/.test(cause.message)) ||
    (cause.name === 'ResourceNotFoundException' && /^Invalid index/.test(cause.message))
  );
}

function failedAt(item: Item): number {
  // Stryker disable next-line OptionalChaining: an item of a failure index always has its sort key
  return Number(item[TASK_TABLE.failureIndex.sortKey]?.N ?? 0);
}
