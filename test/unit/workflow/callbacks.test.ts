import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../../functions/core/status.js';
import { Callbacks, type TaskSender } from '../../../functions/core/workflow/Callbacks.js';

const FINISHED = Date.UTC(2026, 5, 1, 12, 0, 0);

/** A sender that keeps what it was asked to enqueue. */
function sender() {
  const sent: Array<{ type: string; payload: unknown; id: string }> = [];
  const enqueuer: TaskSender = {
    enqueue: async (type, payload, _options, derived) => {
      sent.push({ type, payload, id: derived.id });
      return derived.id;
    },
  };
  return { sent, callbacks: new Callbacks({ enqueuer }) };
}

const row = (fields: Partial<TaskRecord>): TaskRecord =>
  ({ id: 't-1', type: 'report.build', attempts: 2, ...fields }) as TaskRecord;

const lastError = { code: 'handler_error', message: 'upstream 503' };

describe('Callbacks', () => {
  it('posts a success with its result and end time, and no error from an earlier attempt', async () => {
    const { sent, callbacks } = sender();

    await callbacks.taskEnded(
      't-1',
      { url: 'https://example.com/h' },
      row({ status: 'SUCCEEDED', finishedAt: FINISHED, result: { rows: 3 }, lastError }),
    );

    expect(sent).toEqual([
      {
        type: 'http.post',
        id: expect.any(String),
        payload: {
          url: 'https://example.com/h',
          sign: {},
          body: {
            kind: 'task',
            taskId: 't-1',
            type: 'report.build',
            status: 'SUCCEEDED',
            attempts: 2,
            finishedAt: new Date(FINISHED).toISOString(),
            result: { rows: 3 },
          },
        },
      },
    ]);
  });

  it('posts a failure with its error, and leaves out an end time it does not have', async () => {
    const { sent, callbacks } = sender();

    await callbacks.taskEnded(
      't-1',
      { url: 'https://example.com/h' },
      row({ status: 'FAILED', lastError }),
    );

    expect(sent.map((s) => (s.payload as { body: unknown }).body)).toStrictEqual([
      {
        kind: 'task',
        taskId: 't-1',
        type: 'report.build',
        status: 'FAILED',
        attempts: 2,
        error: lastError,
      },
    ]);
  });

  it('posts nothing for a task whose row is gone', async () => {
    const { sent, callbacks } = sender();

    await callbacks.taskEnded('t-1', { url: 'https://example.com/h' }, undefined);

    expect(sent).toEqual([]);
  });
});
