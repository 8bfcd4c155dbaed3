import type { Enqueuer } from '../consumer/Enqueuer.js';
import type { Callback } from '../envelope.js';
import type { TaskStore } from '../ports.js';
import { callbackId } from './workflowIds.js';

/** The task type that delivers callbacks: retries, backoff and the DLQ come with it. */
export const CALLBACK_TASK_TYPE = 'http.post';

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

/**
 * Sends callbacks (docs/callbacks.md) as `http.post` tasks whose payload asks to be signed:
 * the signature is made when the POST is sent, so a retry hours later carries a fresh
 * timestamp. The task's id derives from the task called back, so a replay (a redelivery of
 * the ended task) names the same callback task, whose duplicate message its claim drops.
 */
export class Callbacks {
  constructor(private readonly deps: { store: TaskStore; enqueuer: Enqueuer }) {}

  /** After a task with a callback ended: one read of its row, one send. */
  async taskEnded(taskId: string, callback: Callback): Promise<void> {
    const record = await this.deps.store.get(taskId);
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
    await this.send(callbackId(taskId), callback, body);
  }

  /** Enqueues the signed POST of `body` to the callback's URL, as task `id`. */
  send(id: string, callback: Callback, body: object): Promise<string> {
    const sign = callback.secretName === undefined ? {} : { secretName: callback.secretName };
    return this.deps.enqueuer.enqueue(
      CALLBACK_TASK_TYPE,
      { url: callback.url, body, sign },
      {},
      { id },
    );
  }
}
