import type { GroupDetailView, GroupFollowUpView } from '../../../shared/api.js';
import { ApiError, api } from '../api/client.js';
import { formatDuration } from '../components/format.js';
import { GroupLookup } from '../components/GroupLookup.js';
import { Pager } from '../components/Pager.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { useCursorPages } from '../hooks/useCursorPages.js';
import { usePoll } from '../hooks/usePoll.js';
import { href } from '../hooks/useRoute.js';
import type { PageProps } from '../pages.js';

const REFRESH_MS = 2_000;

const taskHref = (id: string) => href(`/tasks/${encodeURIComponent(id)}`);

/** A group: its state, progress, counts, follow-ups and its members, a page at a time. */
export function GroupPage({ params, location }: PageProps) {
  const id = params.id ?? '';
  const cursor = location.query.get('cursor') ?? undefined;
  const read = usePoll((s) => api.group(id, cursor, s), REFRESH_MS, [id, cursor]);
  const g = read.data?.groupId === id ? read.data : undefined;
  const pages = useCursorPages(cursor, g?.nextCursor, id, (next) => {
    window.location.hash = href(`/groups/${encodeURIComponent(id)}`, { cursor: next });
  });
  if (!g) {
    const error = read.error;
    return (
      <section aria-labelledby="group-title">
        <h1 id="group-title">Group</h1>
        <p class="muted" role="status">
          {!error
            ? 'Loading…'
            : error instanceof ApiError && error.status === 404
              ? 'No group has this id (or it is past its retention).'
              : `Could not load the group: ${error.message}`}
        </p>
        <GroupLookup initial={id} />
      </section>
    );
  }
  const size = g.total ?? g.added;
  const first = g.members[0]?.index;
  const last = g.members.at(-1)?.index;
  return (
    <section aria-labelledby="group-title">
      <p>
        <a href={href('/tasks')}>← Tasks</a>
      </p>
      <div class="page-head">
        <h1 id="group-title">
          Group <span class="id">{g.groupId}</span>
        </h1>
        <span class="badge" data-group-state={g.state}>
          {g.state}
        </span>
      </div>
      <p class="muted">
        {g.state === 'SEALED'
          ? `Sealed with ${g.total} member${g.total === 1 ? '' : 's'}.`
          : `Open: ${g.added} member${g.added === 1 ? '' : 's'} added so far; the follow-ups wait for its seal.`}
      </p>
      <Progress group={g} size={size} />
      <dl class="fields counts">
        {counts(g).map(([label, key, value]) => [
          <dt key={`k-${key}`}>{label}</dt>,
          <dd key={`v-${key}`} data-count={key}>
            {value}
          </dd>,
        ])}
      </dl>

      <h2>Follow-ups</h2>
      {g.followUps.length === 0 ? (
        <p class="muted">None: this group has no onComplete or onSuccess task.</p>
      ) : (
        <ul class="follow-ups">
          {g.followUps.map((f) => (
            <li key={f.on} data-follow-up={f.on}>
              <strong>{f.on === 'complete' ? 'onComplete' : 'onSuccess'}</strong>{' '}
              <a class="id" href={taskHref(f.taskId)}>
                {f.taskId}
              </a>{' '}
              {f.status && <StatusBadge status={f.status} />}{' '}
              <span class="muted">{followUpNote(g, f)}</span>
            </li>
          ))}
        </ul>
      )}
      {g.callback && (
        <p data-callback>
          <strong>Callback</strong>{' '}
          <a class="id" href={taskHref(g.callback.taskId)}>
            {g.callback.taskId}
          </a>{' '}
          {g.callback.status && <StatusBadge status={g.callback.status} />}{' '}
          <span class="muted">
            {g.callback.enqueued
              ? 'the signed summary (http.post)'
              : 'sent once every member ended'}
          </span>
        </p>
      )}

      <h2>Members</h2>
      <p class="muted" aria-live="polite">
        {first === undefined || last === undefined
          ? 'No members on this page.'
          : `Members ${first + 1}–${last + 1} of ${size}, by index.`}
      </p>
      <div class="scroll">
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col" class="num">
                Index
              </th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col" class="num">
                Duration
              </th>
            </tr>
          </thead>
          <tbody>
            {g.members.map(({ index, taskId, task }) => (
              <tr key={taskId} data-member={index}>
                <th scope="row" class="id">
                  <a href={taskHref(taskId)}>{taskId}</a>
                </th>
                <td class="num" data-label="Index">
                  {index}
                </td>
                <td data-label="Type">{task?.type ?? '—'}</td>
                <td data-label="Status">
                  {task ? <StatusBadge status={task.status} /> : 'no row yet'}
                </td>
                <td class="num" data-label="Attempts">
                  {task ? `${task.attempts}/${task.maxAttempts}` : '—'}
                </td>
                <td class="num" data-label="Duration">
                  {formatDuration(task?.durationMs)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager pages={pages} />
    </section>
  );
}

/** The share of members that ended, as a bar and in words. */
function Progress({ group, size }: { group: GroupDetailView; size: number }) {
  const percent = Math.round(group.progress * 100);
  const words = `${group.counts.ended} of ${size} member${size === 1 ? '' : 's'} ended (${percent}%)`;
  return (
    <div class="batch">
      <progress
        max={100}
        value={percent}
        aria-label="Members ended"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={words}
      />
      <p data-progress>{words}</p>
    </div>
  );
}

function counts(g: GroupDetailView): [string, string, number][] {
  return [
    ['Succeeded', 'succeeded', g.counts.succeeded],
    ['Failed or cancelled', 'failed', g.counts.failed],
    ['Not ended', 'pending', g.counts.pending],
  ];
}

/** Whether a follow-up was sent, and if not, when it will be (or that it never will). */
function followUpNote(g: GroupDetailView, f: GroupFollowUpView): string {
  if (f.enqueued) return f.status ? '' : 'enqueued; not started yet';
  const done = g.state === 'SEALED' && g.counts.pending === 0;
  if (f.on === 'success' && g.counts.failed > 0) {
    const n = g.counts.failed;
    return `will not run: ${n} member${n === 1 ? ' failed or was' : 's failed or were'} cancelled`;
  }
  if (done) return 'being sent';
  return f.on === 'complete' ? 'runs once every member ended' : 'runs once every member succeeded';
}
