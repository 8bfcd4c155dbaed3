import { describe, expect, it } from 'vitest';
import { taskDetails } from '../../../cli/commands/status.js';
import { toTaskDetailView } from '../../../functions/core/service/taskView.js';
import type { TaskRecord } from '../../../functions/core/status.js';

const record: TaskRecord = {
  id: 'T1',
  type: 'sync.user',
  status: 'CANCELLED',
  priority: 'default',
  attempts: 0,
  maxAttempts: 3,
  createdAt: 0,
  finishedAt: 1_000,
  expiresAt: 9,
};

describe('a task that flow control cancelled', () => {
  it('shows why, and the task that runs instead, in the API and in `status`', () => {
    const view = toTaskDetailView({ ...record, cancelReason: 'debounced', supersededBy: 'T2' });
    expect(view).toMatchObject({ cancelReason: 'debounced', supersededBy: 'T2' });
    expect(taskDetails(view)).toMatch(/^cancelled +debounced \(superseded by T2\)$/m);
  });

  it('shows a reason without a later task, and nothing for a plain cancel', () => {
    const reasonOnly = toTaskDetailView({ ...record, cancelReason: 'debounced' });
    expect(taskDetails(reasonOnly)).toMatch(/cancelled +debounced$/m);
    const plain = toTaskDetailView(record);
    expect(plain).not.toHaveProperty('cancelReason');
    expect(plain).not.toHaveProperty('supersededBy');
    expect(taskDetails(plain)).not.toContain('cancelled');
  });
});
