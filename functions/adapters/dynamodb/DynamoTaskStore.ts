import { isDeepStrictEqual } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { retryWaitMs } from '../../core/consumer/retryWait.js';
import {
  type ClaimRequest,
  type ClaimResult,
  type Clock,
  type FenceResult,
  type FinishOutcome,
  type NewTask,
  type RequeueResult,
  type SettleRequest,
  systemClock,
  type TaskListQuery,
  type TaskPage,
  type TaskStore,
  type TransitionResult,
} from '../../core/ports.js';
import {
  liveLeaseMs,
  type TaskErrorInfo,
  type TaskRecord,
  TERMINAL_STATUSES,
} from '../../core/status.js';
import { ExpressionBuilder } from './ExpressionBuilder.js';
import { deleteUnclaimedCondition, requeueWrite, revertRequeueWrite } from './operatorWrites.js';
import { newPayloadItem, payloadKey, shouldInline } from './payloadItem.js';
import { TaskLister } from './TaskLister.js';
import { encoded, TaskStoreError, type TaskStoreOperation } from './TaskStoreError.js';
import { TaskTable, toRecord, type WriteOutcome } from './TaskTable.js';
import { ATTR, itemPayload, newTaskItem, num } from './taskItem.js';
import {
  cancelWrite,
  claimWrite,
  deadLetteredWrite,
  finishWrite,
  retryWrite,
  settleWrite,
  stopChainWrite,
  type TaskWrite,
} from './taskWrites.js';

export interface DynamoTaskStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** @default systemClock */
  clock?: Clock;
  /** Days an item is kept after its last write (the TTL attribute). @default 30 */
  retentionDays?: number;
  /** The table has the opt-in `byType` index (definition `table.typeIndex`). @default false */
  typeIndex?: boolean;
  /** Results (and error details) whose JSON is larger are not stored. @default 32768 */
  maxResultBytes?: number;
}

/** Reported when a failed claim's re-read finds the task claimable again (a raced writer). */
const RACED_CLAIM_RETRY_MS = 1_000;
const DAY_SECONDS = 86_400;

/**
 * {@link TaskStore} on one DynamoDB table (key `id`, see `tableSchema.ts`).
 *
 * Every state change is a single-item conditional write, so concurrent deliveries of one
 * task serialise on DynamoDB's condition check: no transactions, no read-modify-write. The
 * attempt counter is the fencing token: a worker can finish or retry only the attempt it
 * claimed. A failed condition is an answer and is returned; any other DynamoDB error is
 * thrown as a {@link TaskStoreError} naming the operation and the task.
 */
export class DynamoTaskStore implements TaskStore {
  private readonly table: TaskTable;
  private readonly lister: TaskLister;
  private readonly clock: Clock;
  private readonly retentionSeconds: number;
  private readonly maxResultBytes: number;

  constructor(options: DynamoTaskStoreOptions) {
    this.table = new TaskTable(options.client, options.tableName);
    this.clock = options.clock ?? systemClock;
    this.lister = new TaskLister(
      options.client,
      options.tableName,
      this.clock,
      options.typeIndex ?? false,
    );
    this.retentionSeconds = (options.retentionDays ?? 30) * DAY_SECONDS;
    this.maxResultBytes = options.maxResultBytes ?? 32_768;
  }

  async create(
    task: NewTask,
  ): Promise<{ created: boolean; record: TaskRecord; samePayload?: boolean }> {
    const now = this.clock.now();
    // A task due later than now keeps its row until its retention after it is due.
    const expiresAt = this.expiresAt(Math.max(now, task.availableAt ?? now));
    const json = task.payloadJson;
    const separate = json !== undefined && !shouldInline(json);
    if (separate) await this.putPayload(task.id, json, now, expiresAt);
    const item = newTaskItem(
      task,
      now,
      expiresAt,
      separate ? { key: payloadKey(task.id) } : { json },
    );
    const e = new ExpressionBuilder();
    const outcome = await this.table.put('create', item, e, absentOrExpired(e, now));
    if (outcome.applied) return { created: true, record: outcome.record };
    const record = present('create', task.id, outcome.current);
    const samePayload = record.type === task.type && (await this.holdsPayload(task));
    return { created: false, record, samePayload };
  }

  /**
   * Whether the stored task carries `task`'s payload (compared as values, so key order does
   * not matter). Read only when an idempotency key repeats: the success path pays nothing.
   */
  private async holdsPayload(task: NewTask): Promise<boolean> {
    if (task.payloadJson === undefined) return true;
    const item = await this.table.readItem('create', task.id);
    if (!item) return true;
    const stored = item[ATTR.payloadKey]
      ? await this.readPayload('create', task.id)
      : itemPayload(item);
    // A payload that expired or was never stored cannot be compared: not a conflict.
    if (stored === undefined) return true;
    return isDeepStrictEqual(stored, JSON.parse(task.payloadJson));
  }

  /**
   * A large payload's own item, written before the row and only where none is live: a
   * resubmit of the same id keeps the payload of the task it duplicates.
   */
  private async putPayload(id: string, json: string, now: number, expiresAt: number) {
    const e = new ExpressionBuilder();
    await this.table.putRaw(
      'create',
      newPayloadItem(id, json, expiresAt),
      e,
      absentOrExpired(e, now),
    );
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const { outcome, now } = await this.writeOverExpired('claim', request.id, (at) =>
      claimWrite(request, at, this.expiresAt(at)),
    );
    if (outcome.applied) return { kind: 'claimed', record: outcome.record };
    const current = present('claim', request.id, outcome.current);
    if (TERMINAL_STATUSES.has(current.status)) return { kind: 'finished', record: current };
    const leaseRemainingMs = liveLeaseMs(current, now);
    if (leaseRemainingMs !== undefined)
      return { kind: 'leased', record: current, leaseRemainingMs };
    // A duplicate delivery of a retry that is not due yet: it waits for its time.
    const waitMs = retryWaitMs(current, now);
    if (waitMs !== undefined) return { kind: 'leased', record: current, leaseRemainingMs: waitMs };
    // Claimable by the time we read it: another writer moved it. Defer rather than loop.
    return { kind: 'leased', record: current, leaseRemainingMs: RACED_CLAIM_RETRY_MS };
  }

  async finish(id: string, attempt: number, outcome: FinishOutcome): Promise<FenceResult> {
    const now = this.clock.now();
    return toTransition(
      await this.write('finish', id, () =>
        finishWrite(attempt, outcome, now, this.expiresAt(now), this.maxResultBytes),
      ),
    );
  }

  async markRetrying(
    id: string,
    attempt: number,
    error: TaskErrorInfo,
    nextAttemptAt: number,
  ): Promise<FenceResult> {
    const now = this.clock.now();
    return toTransition(
      await this.write('markRetrying', id, () =>
        retryWrite(attempt, error, nextAttemptAt, now, this.expiresAt(now), this.maxResultBytes),
      ),
    );
  }

  async settle(request: SettleRequest): Promise<FenceResult> {
    const { outcome } = await this.writeOverExpired('settle', request.id, (at) =>
      settleWrite(request, at, this.expiresAt(at), this.maxResultBytes),
    );
    return toTransition(outcome);
  }

  async cancel(id: string): Promise<TransitionResult> {
    const now = this.clock.now();
    return toTransition(
      await this.write('cancel', id, () => cancelWrite(now, this.expiresAt(now))),
    );
  }

  async stopChain(id: string): Promise<TransitionResult> {
    const now = this.clock.now();
    return toTransition(await this.write('stopChain', id, () => stopChainWrite(now)));
  }

  async markDeadLettered(id: string, attempt: number): Promise<void> {
    const now = this.clock.now();
    await this.write('markDeadLettered', id, () => deadLetteredWrite(attempt, now));
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const record = await this.table.read('get', id);
    // TTL deletes lazily (up to days later), so readers hide expired items themselves.
    if (record && record.expiresAt * 1000 <= this.clock.now()) return undefined;
    return record;
  }

  async getWithPayload(
    id: string,
  ): Promise<{ record: TaskRecord; payloadJson?: string } | undefined> {
    const item = await this.table.readItem('get', id);
    if (!item) return undefined;
    const record = toRecord('get', id, item);
    if (record.expiresAt * 1000 <= this.clock.now()) return undefined;
    const own = item[ATTR.payloadKey]
      ? await this.table.readItem('get', payloadKey(id))
      : undefined;
    const payloadJson = (own ?? item)[ATTR.payload]?.S;
    return payloadJson === undefined ? { record } : { record, payloadJson };
  }

  list(query: TaskListQuery): Promise<TaskPage> {
    return this.lister.list(query);
  }

  async requeue(
    id: string,
    attempts: number,
    extraAttempts: number,
    options: { requirePayload?: boolean; unended?: boolean } = {},
  ): Promise<RequeueResult> {
    const now = this.clock.now();
    const requirePayload = options.requirePayload ?? true;
    const outcome = await this.write('requeue', id, () =>
      requeueWrite(
        attempts,
        extraAttempts,
        now,
        this.expiresAt(now),
        requirePayload,
        options.unended ?? false,
      ),
    );
    if (outcome.applied) {
      if (!outcome.item[ATTR.payloadKey]) {
        return { ok: true, record: outcome.record, payload: itemPayload(outcome.item) };
      }
      const payload = await this.readPayload('requeue', id);
      if (payload !== undefined || !requirePayload) {
        return { ok: true, record: outcome.record, payload };
      }
      // The payload's own item expired before the row did: undo, and say what is missing.
      await this.revertRequeue(id, attempts);
      return { ok: false, current: { ...outcome.record, status: 'FAILED' }, payloadMissing: true };
    }
    const current = outcome.current;
    // Still FAILED at the same attempt, so the only unmet part is the stored payload.
    const payloadMissing =
      requirePayload && current?.status === 'FAILED' && current.attempts === attempts;
    return {
      ok: false,
      ...(current ? { current } : {}),
      ...(payloadMissing ? { payloadMissing } : {}),
    };
  }

  async revertRequeue(id: string, attempts: number, deadLetteredAt?: number): Promise<boolean> {
    const now = this.clock.now();
    const outcome = await this.write('revertRequeue', id, () =>
      revertRequeueWrite(attempts, now, deadLetteredAt),
    );
    return outcome.applied;
  }

  async deleteUnclaimed(id: string): Promise<boolean> {
    const e = new ExpressionBuilder();
    const outcome = await this.table.delete('deleteUnclaimed', id, e, deleteUnclaimedCondition(e));
    if (outcome.applied && outcome.item[ATTR.payloadKey]) {
      await this.table.deleteRaw('deleteUnclaimed', payloadKey(id));
    }
    return outcome.applied;
  }

  /** A payload kept in its own item; `undefined` once that item is gone. */
  private async readPayload(operation: TaskStoreOperation, id: string): Promise<unknown> {
    const item = await this.table.readItem(operation, payloadKey(id));
    return item ? itemPayload(item) : undefined;
  }

  /**
   * A claim or settle refused only by an item past its retention, waiting for TTL: that
   * item is as good as absent (a reused idempotency key). It is removed, so the new task
   * starts at attempt 1 instead of finding a stale end, and the write is tried once more.
   */
  private async writeOverExpired(
    operation: TaskStoreOperation,
    id: string,
    build: (now: number) => TaskWrite,
  ): Promise<{ outcome: WriteOutcome; now: number }> {
    const now = this.clock.now();
    const outcome = await this.write(operation, id, () => build(now));
    const current = outcome.applied ? undefined : outcome.current;
    if (!current || current.expiresAt * 1000 > now) return { outcome, now };
    const e = new ExpressionBuilder();
    const expired = `${e.name(ATTR.expiresAt)} <= ${e.value(num(Math.floor(now / 1000)))}`;
    await this.table.delete(operation, id, e, expired);
    const again = this.clock.now();
    return { outcome: await this.write(operation, id, () => build(again)), now: again };
  }

  private async write(
    operation: TaskStoreOperation,
    id: string,
    build: () => TaskWrite,
  ): Promise<WriteOutcome> {
    const write = encoded(operation, id, build);
    return this.table.update(operation, id, write.expression, write.condition);
  }

  private expiresAt(now: number): number {
    return Math.floor(now / 1000) + this.retentionSeconds;
  }
}

/** An item past its expiry counts as absent (TTL deletes lazily), so an id can be reused. */
function absentOrExpired(e: ExpressionBuilder, now: number): string {
  const expired = `${e.name(ATTR.expiresAt)} <= ${e.value(num(Math.floor(now / 1000)))}`;
  return `attribute_not_exists(${e.name(ATTR.id)}) OR ${expired}`;
}

function toTransition(outcome: WriteOutcome): TransitionResult {
  return outcome.applied
    ? { ok: true, record: outcome.record }
    : { ok: false, current: outcome.current };
}

/** The condition failed, so the item existed; it can vanish before the re-read (TTL, delete). */
function present(operation: TaskStoreOperation, id: string, current?: TaskRecord): TaskRecord {
  if (current) return current;
  throw new TaskStoreError(operation, id, undefined, {
    reason: 'the condition failed but the item was gone on re-read; try again',
    retryable: true,
  });
}
