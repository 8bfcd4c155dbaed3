import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../functions/core/errors.js';
import { registry, tasks } from '../../../functions/tasks/index.js';
import { noop } from '../../../functions/tasks/noop.js';
import { createTaskContext } from '../../helpers/taskContext.js';

describe('noop', () => {
  it('resolves at once without sleepMs', async () => {
    expect(await noop.handler(noop.schema.parse({}), createTaskContext())).toEqual({ sleptMs: 0 });
  });

  it('ends its sleep with a retryable error when the signal aborts', async () => {
    const ctx = createTaskContext();

    const outcome = noop.handler(noop.schema.parse({ sleepMs: 10_000 }), ctx);
    ctx.controller.abort();

    await expect(outcome).rejects.toBeInstanceOf(RetryableError);
  });

  it('bounds sleepMs', () => {
    expect(noop.schema.safeParse({ sleepMs: 10_001 }).success).toBe(false);
    expect(noop.schema.safeParse({ sleepMs: -1 }).success).toBe(false);
  });
});

describe('task registry', () => {
  it('holds every application task', () => {
    // Not a pinned list: adding a task type is one file and one line in the registry.
    expect(registry.types).toEqual(tasks.map((t) => t.type).sort());
    expect(tasks.map((t) => registry.get(t.type))).toEqual([...tasks]);
  });
});
