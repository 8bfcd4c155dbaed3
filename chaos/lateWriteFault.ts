import { setTimeout as delay } from 'node:timers/promises';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ATTR } from '../functions/adapters/dynamodb/taskItem.js';
import { type TaskStatus, TERMINAL_STATUSES } from '../functions/core/status.js';
import type { FaultLog } from './faults.js';
import type { SideEffectLedger } from './SideEffectLedger.js';

/** How often the held write looks for the newer attempt's end. */
const POLL_MS = 200;
/**
 * Past this, the write goes through anyway (a restart may keep the newer attempt away). The
 * returning message waits behind the queue's backlog, which a loaded machine stretches past
 * 40 s: the fault then showed nothing.
 */
const HOLD_BOUND_MS = 120_000;
/** Writes held at once; a task that meets the limit writes at once (its fault is not shown). */
const MAX_HELD = 1;

interface UpdateInput {
  TableName?: string;
  Key?: Record<string, { S?: string }>;
  ConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, { S?: string }>;
}

/**
 * The lease-lost fault. The first retry write of each `ids` task is held: the invocation
 * outlives its lease, the message comes back after its visibility timeout, and a newer
 * attempt claims and ends the task. Only then does the held write go out, as a worker that
 * paused (GC, network) would send it. The ledger notes whether it changed the row.
 */
export function injectLateWrites(
  client: DynamoDBClient,
  reader: DynamoDBClient,
  ids: ReadonlySet<string>,
  deps: {
    ledger: SideEffectLedger;
    faults: FaultLog;
    /** True while the runtime restarts: a read then could reach dynalite as it closes. */
    restarting: () => boolean;
    /** Writes held right now, so that the run can keep a restart from cutting one short. */
    holding: { count: number };
  },
): void {
  const held = new Set<string>();
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as UpdateInput;
      const id = input.Key?.[ATTR.id]?.S;
      if (!id || !ids.has(id) || held.has(id) || !isRetryWrite(input)) return next(args);
      // One at a time: each held write keeps its invocation's slot, and enough of them at
      // once leave no slot for the newer attempts they wait for, so the queue stalls.
      if (deps.holding.count >= MAX_HELD) return next(args);
      held.add(id);
      deps.holding.count++;
      const newer = await newerEnd(reader, input.TableName!, id, deps.restarting).finally(() => {
        deps.holding.count--;
      });
      let applied = false;
      try {
        const out = await next(args);
        applied = true;
        return out;
      } finally {
        if (newer) deps.faults.record('lease-lost', id);
        deps.ledger.lateWrites.push({
          taskId: id,
          ...(newer ? { newerAttempt: newer.attempts, newerStatus: newer.status } : {}),
          applied,
        });
      }
    },
    { step: 'initialize', name: 'chaosLateWrites' },
  );
}

/** The fenced RETRYING write of an attempt (a claim's condition allows an absent item). */
function isRetryWrite(input: UpdateInput): boolean {
  const values = Object.values(input.ExpressionAttributeValues ?? {});
  return (
    values.some((v) => v.S === 'RETRYING') &&
    !(input.ConditionExpression ?? '').includes('attribute_not_exists')
  );
}

/** Waits until a later attempt ended the task; undefined when none did within the bound. */
async function newerEnd(
  reader: DynamoDBClient,
  table: string,
  id: string,
  restarting: () => boolean,
): Promise<{ attempts: number; status: string } | undefined> {
  for (const start = Date.now(); Date.now() - start < HOLD_BOUND_MS; await delay(POLL_MS)) {
    // dynalite throws, out of reach, on an operation that meets its database closed.
    if (restarting()) continue;
    const { Item } = await reader
      .send(
        new GetItemCommand({
          TableName: table,
          Key: { [ATTR.id]: { S: id } },
          ConsistentRead: true,
        }),
      )
      // A restart stops the table for a moment: look again on the next poll.
      .catch(() => ({ Item: undefined }));
    const status = Item?.[ATTR.status]?.S ?? '';
    const attempts = Number(Item?.[ATTR.attempts]?.N ?? 0);
    if (attempts > 1 && TERMINAL_STATUSES.has(status as TaskStatus)) return { attempts, status };
  }
  return undefined;
}
