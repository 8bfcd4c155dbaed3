import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Enqueuer } from '../../../functions/core/consumer/Enqueuer.js';
import { handlerContext } from '../../../functions/core/consumer/handlerContext.js';
import { PermanentError } from '../../../functions/core/errors.js';
import type { LogFields, Logger } from '../../../functions/core/ports.js';
import { createRegistry } from '../../../functions/core/registry.js';
import type { TaskRecord } from '../../../functions/core/status.js';
import { defineTask } from '../../../functions/core/task.js';
import { formatTraceparent, newTrace } from '../../../functions/core/trace/traceparent.js';
import { runInTraceScope } from '../../../functions/core/trace/traceScope.js';
import { childTaskId } from '../../../functions/core/workflow/workflowIds.js';
import { recordingQueue } from '../../helpers/recordingQueue.js';

const record = { id: 'parent-1', type: 'note', attempts: 2, maxAttempts: 5 } as TaskRecord;

type Level = keyof Logger;
interface Line {
  level: Level;
  message: string;
  extra: LogFields[];
}

function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: Level) =>
    (message: string, ...extra: LogFields[]) => {
      lines.push({ level, message, extra });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function contextFor(logger: Logger = recordingLogger()) {
  const queue = recordingQueue();
  const enqueuer = new Enqueuer({
    registry: createRegistry([
      defineTask({ type: 'note', schema: z.object({ n: z.number() }), handler: () => null }),
    ]),
    queue,
    routes: [{ priority: 'default', name: 'q', url: 'http://q', dlqUrl: 'http://d', fifo: false }],
    clock: { now: () => 0 },
  });
  return handlerContext(record, new AbortController().signal, logger, enqueuer);
}

describe('handlerContext', () => {
  it('tags every level of the logger with the task, keeping the fields the handler adds', () => {
    const logger = recordingLogger();
    const ctx = contextFor(logger);
    const levels: Level[] = ['debug', 'info', 'warn', 'error'];

    for (const level of levels) ctx.logger[level](`${level} line`, { step: level });

    const task = { taskId: 'parent-1', type: 'note', attempt: 2 };
    expect(logger.lines).toEqual(
      levels.map((level) => ({ level, message: `${level} line`, extra: [task, { step: level }] })),
    );
  });

  it('names keyless children by their order in the attempt, so a retry names them again', async () => {
    const ctx = contextFor();

    const first = await ctx.enqueue('note', { n: 1 });
    const second = await ctx.enqueue('note', { n: 2 });

    expect([first, second]).toEqual([childTaskId('parent-1', '#0'), childTaskId('parent-1', '#1')]);
  });

  it("names a keyed child by the parent's id and its key", async () => {
    const id = await contextFor().enqueue('note', { n: 1 }, { key: 'invoice' });

    expect(id).toBe(childTaskId('parent-1', 'invoice'));
  });

  it('carries the traceparent of the trace in scope', () => {
    const trace = newTrace();

    const ctx = runInTraceScope(() => contextFor(), trace);

    expect(ctx.traceparent).toBe(formatTraceparent(trace));
  });

  it('has no traceparent field at all outside a trace', () => {
    expect(Object.keys(contextFor())).not.toContain('traceparent');
  });

  it('refuses groups and callback keys when the consumer has no workflows configured', async () => {
    const ctx = contextFor();

    await expect(ctx.group([])).rejects.toThrow('groups are not configured in this consumer');
    const keyError = await ctx.signingKey().catch((e: unknown) => e);
    expect(keyError).toBeInstanceOf(PermanentError);
    expect((keyError as Error).message).toBe('callbacks are not configured in this consumer');
    await expect(ctx.parent()).resolves.toBeUndefined();
    await expect(ctx.fanIn()).resolves.toBeUndefined();
  });
});
