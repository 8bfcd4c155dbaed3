import type { AlarmState, TaskStatus } from '../../../shared/api.js';

/** A status as a word with a colour; the word carries the meaning, not the colour. */
export function StatusBadge({ status }: { status: TaskStatus | AlarmState }) {
  return <span class={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}
