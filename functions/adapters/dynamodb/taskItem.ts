import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { NewTask } from '../../core/ports.js';
import {
  TASK_STATUSES,
  type TaskErrorInfo,
  type TaskLinks,
  type TaskRecord,
  type TaskWaiting,
} from '../../core/status.js';
import { readFailures } from './failureHistory.js';
import { TASK_TABLE } from './tableSchema.js';

export type Item = Record<string, AttributeValue>;

/** Attribute names of a task item. Keys and TTL come from the shared table schema. */
export const ATTR = {
  id: TASK_TABLE.partitionKey,
  type: 'type',
  status: 'status',
  priority: 'priority',
  attempts: 'attempts',
  maxAttempts: 'maxAttempts',
  createdAt: 'createdAt',
  enqueuedAt: 'enqueuedAt',
  startedAt: 'startedAt',
  finishedAt: 'finishedAt',
  leaseUntil: 'leaseUntil',
  nextAttemptAt: 'nextAttemptAt',
  durationMs: 'durationMs',
  queueWaitMs: 'queueWaitMs',
  idempotencyKey: 'idempotencyKey',
  result: 'result',
  resultTruncated: 'resultTruncated',
  lastError: 'lastError',
  expiresAt: TASK_TABLE.ttlAttribute,
  /** JSON text of the payload; only tasks created through the API carry it. */
  payload: 'payload',
  /** Set instead of `payload` when the payload is in an item of its own (payloadItem.ts). */
  payloadKey: 'payloadKey',
  deadLetteredAt: 'deadLetteredAt',
  /** Flow control: JSON of the last deferral (TaskWaiting), and how many there were. */
  waiting: 'waiting',
  deferrals: 'deferrals',
  /** Why flow control cancelled it (`debounced`), and the later task that ran instead. */
  cancelReason: 'cancelReason',
  supersededBy: 'supersededBy',
  /** A cancel stopped the chain after this running step (epoch ms). */
  chainStoppedAt: 'chainStoppedAt',
  /** Workflow links (TaskLinks), kept from the envelope for `status`. */
  parentId: 'parentId',
  nextId: 'nextId',
  groupId: 'groupId',
  failedType: TASK_TABLE.failureIndex.partitionKey,
  failedAt: TASK_TABLE.failureIndex.sortKey,
  failedShard: TASK_TABLE.allFailuresIndex.partitionKey,
} as const;

/** A stored item does not have the shape of a task record. */
export class MalformedItemError extends Error {
  override readonly name = 'MalformedItemError';
}

export const str = (value: string): AttributeValue => ({ S: value });
export const num = (value: number): AttributeValue => ({ N: String(value) });

/** JSON text, or throws a TypeError for values JSON cannot hold (BigInt, cycles). */
function toJson(value: unknown, what: string): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (cause) {
    throw new TypeError(`${what} is not JSON-serialisable: ${(cause as Error).message}`);
  }
}

/**
 * The result as JSON text (so strings, null and empty strings round-trip exactly), or a
 * truncation marker when it is larger than the store keeps. `undefined` stores nothing.
 */
export function encodeResult(
  result: unknown,
  limitBytes: number,
): { result?: AttributeValue; resultTruncated?: AttributeValue } {
  const json = toJson(result, 'task result');
  if (json === undefined) return {};
  const bytes = Buffer.byteLength(json); // UTF-8, the default
  if (bytes <= limitBytes) return { result: str(json) };
  return { resultTruncated: { M: { bytes: num(bytes), limitBytes: num(limitBytes) } } };
}

/** The error as JSON text; oversized details are replaced so the item stays under 400 KB. */
export function encodeError(error: TaskErrorInfo, limitBytes: number): AttributeValue {
  const stored: TaskErrorInfo = {
    code: error.code,
    message:
      error.message.length > limitBytes ? `${error.message.slice(0, limitBytes)}…` : error.message,
  };
  if (error.stack !== undefined) stored.stack = error.stack.slice(0, limitBytes);
  // Stryker disable next-line ConditionalExpression: undefined details vanish in JSON anyway; the check only spares a stringify
  if (error.details !== undefined) {
    const json = toJson(error.details, 'error details');
    const bytes = json === undefined ? 0 : Buffer.byteLength(json);
    stored.details = bytes > limitBytes ? { truncated: true, bytes, limitBytes } : error.details;
  }
  return str(toJson(stored, 'task error') as string);
}

/**
 * The item `create` writes: a QUEUED (or SCHEDULED) task with no attempts yet. `payloadJson` is the
 * payload to keep on the row; `payloadKey` says it is stored elsewhere instead.
 */
export function newTaskItem(
  task: NewTask,
  now: number,
  expiresAt: number,
  payload: { json?: string; key?: string } = {},
): Item {
  const item: Item = {
    [ATTR.id]: str(task.id),
    [ATTR.type]: str(task.type),
    [ATTR.status]: str(task.status ?? 'QUEUED'),
    [ATTR.priority]: str(task.priority),
    [ATTR.attempts]: num(0),
    [ATTR.maxAttempts]: num(task.maxAttempts),
    [ATTR.createdAt]: num(now),
    [ATTR.enqueuedAt]: num(task.enqueuedAt),
    [ATTR.expiresAt]: num(expiresAt),
  };
  if (task.idempotencyKey !== undefined) item[ATTR.idempotencyKey] = str(task.idempotencyKey);
  if (payload.json !== undefined) item[ATTR.payload] = str(payload.json);
  if (payload.key !== undefined) item[ATTR.payloadKey] = str(payload.key);
  if (task.availableAt !== undefined) item[ATTR.nextAttemptAt] = num(task.availableAt);
  for (const name of LINK_NAMES) {
    const value = task.links?.[name];
    if (value !== undefined) item[ATTR[name]] = str(value);
  }
  return item;
}

function readString(item: Item, name: string): string | undefined {
  const value = item[name];
  if (value === undefined) return undefined;
  if (value.S === undefined) throw new MalformedItemError(`attribute ${name} is not a string`);
  return value.S;
}

function readNumber(item: Item, name: string): number | undefined {
  const value = item[name];
  if (value === undefined) return undefined;
  // Number(undefined) is NaN: an attribute of another type is refused below too.
  const parsed = Number(value.N);
  if (!Number.isFinite(parsed)) throw new MalformedItemError(`attribute ${name} is not a number`);
  return parsed;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new MalformedItemError(`attribute ${name} is missing`);
  return value;
}

function readJson(item: Item, name: string): unknown {
  const text = readString(item, name);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedItemError(`attribute ${name} is not JSON`);
  }
}

/** The TaskLinks fields, each stored as a string attribute of its own name. */
export const LINK_NAMES = ['parentId', 'nextId', 'groupId'] as const;

const OPTIONAL_NUMBERS = [
  'enqueuedAt',
  'startedAt',
  'finishedAt',
  'leaseUntil',
  'nextAttemptAt',
  'durationMs',
  'queueWaitMs',
  'deadLetteredAt',
  'deferrals',
  'chainStoppedAt',
] as const;

const OPTIONAL_STRINGS = ['idempotencyKey', 'cancelReason', 'supersededBy'] as const;

/** Reads a stored item back into a task record; throws MalformedItemError on a bad shape. */
export function itemToRecord(item: Item): TaskRecord {
  const status = required(readString(item, ATTR.status), ATTR.status);
  if (!(TASK_STATUSES as readonly string[]).includes(status)) {
    throw new MalformedItemError(`attribute status has unknown value ${JSON.stringify(status)}`);
  }
  const record: TaskRecord = {
    id: required(readString(item, ATTR.id), ATTR.id),
    type: required(readString(item, ATTR.type), ATTR.type),
    status: status as TaskRecord['status'],
    priority: required(readString(item, ATTR.priority), ATTR.priority),
    attempts: required(readNumber(item, ATTR.attempts), ATTR.attempts),
    maxAttempts: required(readNumber(item, ATTR.maxAttempts), ATTR.maxAttempts),
    createdAt: required(readNumber(item, ATTR.createdAt), ATTR.createdAt),
    expiresAt: required(readNumber(item, ATTR.expiresAt), ATTR.expiresAt),
  };
  for (const name of OPTIONAL_NUMBERS) {
    const value = readNumber(item, ATTR[name]);
    if (value !== undefined) record[name] = value;
  }
  for (const name of OPTIONAL_STRINGS) {
    const value = readString(item, ATTR[name]);
    if (value !== undefined) record[name] = value;
  }
  if (item[ATTR.result] !== undefined) record.result = readJson(item, ATTR.result);
  const truncated = item[ATTR.resultTruncated]?.M;
  if (truncated) {
    record.resultTruncated = {
      bytes: required(readNumber(truncated, 'bytes'), 'resultTruncated.bytes'),
      limitBytes: required(readNumber(truncated, 'limitBytes'), 'resultTruncated.limitBytes'),
    };
  }
  if (item[ATTR.lastError] !== undefined) {
    record.lastError = readJson(item, ATTR.lastError) as TaskErrorInfo;
  }
  if (item[ATTR.waiting] !== undefined) {
    record.waiting = readJson(item, ATTR.waiting) as TaskWaiting;
  }
  const failures = readFailures(item);
  if (failures) record.failures = failures;
  const links: TaskLinks = {};
  for (const name of LINK_NAMES) {
    const value = readString(item, ATTR[name]);
    if (value !== undefined) links[name] = value;
  }
  if (Object.keys(links).length) record.links = links;
  return record;
}

/** The stored payload, or `undefined` when the item has none (enqueued straight to SQS). */
export function itemPayload(item: Item): unknown {
  return readJson(item, ATTR.payload);
}
