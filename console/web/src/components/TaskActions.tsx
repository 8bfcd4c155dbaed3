import type { TaskRecord } from '../../../shared/api.js';
import { api } from '../api/client.js';
import { Confirm } from './Confirm.js';

/** Retry for a FAILED task, cancel for a waiting one or a running chain step; nothing else. */
export function TaskActions({ task }: { task: TaskRecord }) {
  if (task.status === 'FAILED') {
    return (
      <Confirm
        label="Retry task…"
        effect={`Retry ${task.id}: it becomes QUEUED with its type's attempts added, and its payload is sent to the ${task.priority} queue again.`}
        onConfirm={async () => {
          const { task: after } = await api.retry(task.id);
          return `Retried: now ${after.status}.`;
        }}
      />
    );
  }
  if (task.status === 'QUEUED' || task.status === 'RETRYING') {
    return (
      <Confirm
        label="Cancel task…"
        effect={`Cancel ${task.id}: it becomes CANCELLED and its message is dropped unrun when it is received.`}
        onConfirm={async () => {
          const { task: after } = await api.cancel(task.id);
          return `Cancelled: now ${after.status}.`;
        }}
      />
    );
  }
  const nextId = task.links?.nextId;
  if (task.status === 'RUNNING' && nextId && task.chainStoppedAt === undefined) {
    return (
      <Confirm
        label="Cancel chain…"
        effect={`Stop the chain after ${task.id}: the step runs on to its end, but its next step ${nextId} is not enqueued.`}
        onConfirm={async () => {
          const { task: after } = await api.cancel(task.id);
          return after.status === 'CANCELLED'
            ? 'Cancelled: now CANCELLED.'
            : `Chain stopped: ${task.id} is ${after.status}; ${nextId} will not be enqueued.`;
        }}
      />
    );
  }
  return null;
}
