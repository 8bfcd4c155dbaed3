import type { Callback, EnvelopeLinks } from '../envelope.js';
import type { TaskRecord } from '../status.js';
import { callbackId } from './workflowIds.js';

/** The task type that delivers callbacks: retries, backoff and the DLQ come with it. */
export const CALLBACK_TASK_TYPE = 'http.post';

/** Most failed member ids a group's callback lists; `failedIdsTruncated` says there were more. */
export const MAX_CALLBACK_FAILED_IDS = 100;

/** Sends a task with a derived id (and links); the consumer's Enqueuer is one. */
export interface TaskSender {
  enqueue(
    type: string,
    payload: unknown,
    options: { priority?: string; maxAttempts?: number },
    derived: { id: string; links?: EnvelopeLinks },
  ): Promise<string>;
}

/** What a task's callback POSTs. */
export interface TaskCallbackBody {
  kind: 'task';
  taskId: string;
  type: string;
  status: string;
  attempts: number;
  finishedAt?: string;
  result?: unknown;
  error?: { code: string; message: string };
}

/** What a group's callback POSTs once its fan-in fired. */
export interface GroupCallbackBody {
  kind: 'group';
  groupId: string;
  /** SUCCEEDED when every member succeeded, else COMPLETED_WITH_FAILURES. */
  status: 'SUCCEEDED' | 'COMPLETED_WITH_FAILURES';
  total: number;
  succeeded: number;
  /** Members that failed or were cancelled. */
  failed: number;
  /** The first {@link MAX_CALLBACK_FAILED_IDS} of them, in member order. */
  failedIds: string[];
  failedIdsTruncated?: true;
  /** When the fan-in was claimed: the same on every replay of it. */
  finishedAt: string;
}

/** The body of a group's callback; `failedIds` are its failed members in index order. */
export function groupCallbackBody(
  group: { id: string; total: number; failed: number; firedAt: number },
  failedIds: readonly string[],
): GroupCallbackBody {
  return {
    kind: 'group',
    groupId: group.id,
    status: group.failed === 0 ? 'SUCCEEDED' : 'COMPLETED_WITH_FAILURES',
    total: group.total,
    succeeded: group.total - group.failed,
    failed: group.failed,
    failedIds: failedIds.slice(0, MAX_CALLBACK_FAILED_IDS),
    ...(failedIds.length > MAX_CALLBACK_FAILED_IDS ? { failedIdsTruncated: true as const } : {}),
    finishedAt: new Date(group.firedAt).toISOString(),
  };
}

/**
 * Enqueues the signed POST of `body` to the callback's URL as task `id`. The payload asks to
 * be signed: the signature is made when the POST is sent, so a retry hours later carries a
 * fresh timestamp.
 */
export function sendCallback(
  sender: TaskSender,
  id: string,
  callback: Callback,
  body: object,
): Promise<string> {
  const sign = callback.secretName === undefined ? {} : { secretName: callback.secretName };
  return sender.enqueue(CALLBACK_TASK_TYPE, { url: callback.url, body, sign }, {}, { id });
}

/**
 * Sends task callbacks (docs/callbacks.md) as `http.post` tasks. The task's id derives from
 * the task called back, so a replay (a redelivery of the ended task) names the same
 * callback task, whose duplicate message its claim drops.
 */
export class Callbacks {
  constructor(private readonly deps: { enqueuer: TaskSender }) {}

  /** After a task with a callback ended, with its row as the end left it: one send. */
  async taskEnded(taskId: string, callback: Callback, record: TaskRecord | undefined) {
    if (!record) return;
    const body: TaskCallbackBody = {
      kind: 'task',
      taskId,
      type: record.type,
      status: record.status,
      attempts: record.attempts,
      ...(record.finishedAt === undefined
        ? {}
        : { finishedAt: new Date(record.finishedAt).toISOString() }),
      ...(record.result === undefined ? {} : { result: record.result }),
      ...(record.lastError && record.status !== 'SUCCEEDED'
        ? { error: { code: record.lastError.code, message: record.lastError.message } }
        : {}),
    };
    await sendCallback(this.deps.enqueuer, callbackId(taskId), callback, body);
  }
}
