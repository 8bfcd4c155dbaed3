import { describe, expect, it, vi } from 'vitest';
import { leaseLost } from '../../../functions/core/consumer/leaseLost.js';
import type { Logger } from '../../../functions/core/ports.js';
import type { TaskRecord } from '../../../functions/core/status.js';

const fakeLogger = (): Logger => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() });

const record = { id: 'task-1', type: 'noop', attempts: 3 } as TaskRecord;

describe('leaseLost', () => {
  it('leaves the message unacknowledged, naming the task and the attempt that lost it', () => {
    const outcome = leaseLost(fakeLogger(), record, {});

    expect(outcome).toEqual({ kind: 'lease_lost', ack: false, taskId: 'task-1', attempt: 3 });
  });

  it('warns that the result was not recorded, with the fields it is given', () => {
    const logger = fakeLogger();

    leaseLost(logger, record, { taskId: 'task-1', attempt: 3 });

    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/moved on without this attempt; result not recorded/),
      { taskId: 'task-1', attempt: 3 },
    );
  });
});
