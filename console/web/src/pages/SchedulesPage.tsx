import type { NextRunView } from '../../../shared/api.js';
import { api } from '../api/client.js';
import { Confirm } from '../components/Confirm.js';
import { formatDuration, formatTime } from '../components/format.js';
import { usePoll } from '../hooks/usePoll.js';
import { useActions } from '../hooks/useSession.js';

const REFRESH_MS = 30_000;

/** The definition's schedules, their next run, and "run now". */
export function SchedulesPage() {
  const schedules = usePoll((s) => api.schedules(s), REFRESH_MS);
  const actions = useActions();
  const list = schedules.data ?? [];
  return (
    <section aria-labelledby="schedules-title">
      <h1 id="schedules-title">Schedules</h1>
      {schedules.error && <p role="alert">Could not load schedules: {schedules.error.message}</p>}
      {schedules.data && list.length === 0 && (
        <p class="muted">
          No schedules: add them to the definition's <code>schedules</code> (docs/schedules.md).
        </p>
      )}
      {list.map((s) => (
        <article key={s.name} class="schedule" data-schedule={s.name}>
          <h2>{s.name}</h2>
          <dl class="fields">
            <dt>Expression</dt>
            <dd>
              <code>{s.expression}</code> ({s.timezone})
            </dd>
            <dt>Next run</dt>
            <dd
              data-next-run={s.next.kind === 'at' ? new Date(s.next.at).toISOString() : s.next.kind}
            >
              {describeNext(s.next, s.enabled)}
            </dd>
            <dt>Task</dt>
            <dd>
              {s.type} on {s.priority}
            </dd>
            {s.description && [<dt key="d">Description</dt>, <dd key="v">{s.description}</dd>]}
          </dl>
          {actions && (
            <Confirm
              label="Run now…"
              effect={`Send ${s.name}'s task now, as a scheduled run at this second (id sched-${s.name}-<time>). The schedule itself is unchanged.`}
              onConfirm={async () => {
                const out = await api.runSchedule(s.name);
                return `Sent task ${out.taskId}.`;
              }}
            />
          )}
        </article>
      ))}
    </section>
  );
}

function describeNext(next: NextRunView, enabled: boolean): string {
  if (!enabled) return 'disabled';
  if (next.kind === 'at') return formatTime(next.at);
  if (next.kind === 'every') {
    return `every ${formatDuration(next.everyMs)}, counted from when the schedule was created`;
  }
  return 'none: the expression has no later time';
}
