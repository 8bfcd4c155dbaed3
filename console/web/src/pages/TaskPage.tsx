import type { ComponentChild } from 'preact';
import type { TaskRecord } from '../../../shared/api.js';
import { api } from '../api/client.js';
import { formatDuration, formatTime } from '../components/format.js';
import { JsonView } from '../components/JsonView.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { TaskActions } from '../components/TaskActions.js';
import { Timeline } from '../components/Timeline.js';
import { usePoll } from '../hooks/usePoll.js';
import { href } from '../hooks/useRoute.js';
import { useActions } from '../hooks/useSession.js';
import type { PageProps } from '../pages.js';

const REFRESH_MS = 3_000;

export function TaskPage({ params }: PageProps) {
  const id = params.id ?? '';
  const detail = usePoll((s) => api.task(id, s), REFRESH_MS, [id]);
  const actions = useActions();
  const d = detail.data;
  if (!d) {
    return (
      <section>
        <h1>Task</h1>
        <p class="muted" role="status">
          {detail.error ? `Could not load the task: ${detail.error.message}` : 'Loading…'}
        </p>
        <p>
          <a href={href('/tasks')}>Back to the tasks</a>
        </p>
      </section>
    );
  }
  const t = d.task;
  return (
    <section aria-labelledby="task-title">
      <p>
        <a href={href('/tasks')}>← Tasks</a>
      </p>
      <div class="page-head">
        <h1 id="task-title" class="id">
          {t.id}
        </h1>
        <StatusBadge status={t.status} />
      </div>
      {actions && <TaskActions key={`${t.id}:${t.status}`} task={t} />}
      <dl class="fields">
        {fields(t).map(([k, v]) => [<dt key={`k-${k}`}>{k}</dt>, <dd key={`v-${k}`}>{v}</dd>])}
      </dl>
      {d.logsInsightsUrl && (
        <p>
          <a href={d.logsInsightsUrl} target="_blank" rel="noopener noreferrer">
            Open this task's logs in CloudWatch Logs Insights
          </a>
        </p>
      )}
      <h2>Timeline</h2>
      <Timeline events={d.timeline} />
      <h2>Payload</h2>
      {d.payloadJson === undefined ? (
        <p class="muted">
          No payload stored: the task was sent straight to its queue, not through the API.
        </p>
      ) : (
        <JsonView json={d.payloadJson} />
      )}
      <h2>Result</h2>
      {t.result === undefined ? (
        <p class="muted">
          {t.resultTruncated
            ? `Not stored: ${t.resultTruncated.bytes} bytes, over the limit of ${t.resultTruncated.limitBytes}.`
            : 'No result.'}
        </p>
      ) : (
        <JsonView json={JSON.stringify(t.result)} />
      )}
    </section>
  );
}

function fields(t: TaskRecord): [string, ComponentChild][] {
  return [
    ['Type', t.type],
    ['Priority', t.priority],
    ['Attempts', `${t.attempts} of ${t.maxAttempts}`],
    ['Idempotency key', t.idempotencyKey ?? '—'],
    ['Created', formatTime(t.createdAt)],
    ['Started', formatTime(t.startedAt)],
    ['Finished', formatTime(t.finishedAt)],
    ['Queue wait', formatDuration(t.queueWaitMs)],
    ['Duration', formatDuration(t.durationMs)],
    ['Expires', formatTime(t.expiresAt * 1000)],
    ...waitingFields(t),
    ...cancelFields(t),
    ...workflowFields(t),
  ];
}

/** Links to the task's group and to its chain's neighbours (docs/workflows.md). */
function workflowFields(t: TaskRecord): [string, ComponentChild][] {
  const { groupId, parentId, nextId } = t.links ?? {};
  const link = (path: string, id: string, rel: string) => (
    <a class="id" href={href(`${path}/${encodeURIComponent(id)}`)} data-link={rel}>
      {id}
    </a>
  );
  const rows: [string, ComponentChild][] = [];
  if (groupId) rows.push(['Group', link('/groups', groupId, 'group')]);
  if (parentId) rows.push(['Previous step', link('/tasks', parentId, 'previous')]);
  if (nextId) {
    const note =
      t.chainStoppedAt !== undefined
        ? ' (never enqueued: a cancel stopped the chain)'
        : t.status === 'SUCCEEDED'
          ? ''
          : t.status === 'FAILED' || t.status === 'CANCELLED'
            ? ' (never enqueued: this step did not succeed)'
            : ' (enqueued once this step succeeds)';
    rows.push([
      'Next step',
      <>
        {link('/tasks', nextId, 'next')}
        {note && <span class="muted">{note}</span>}
      </>,
    ]);
  }
  return rows;
}

/** Why flow control cancelled the task: a later task of its debounce key runs instead. */
function cancelFields(t: TaskRecord): [string, ComponentChild][] {
  if (!t.cancelReason) return [];
  const by = t.supersededBy;
  return [
    [
      'Cancelled',
      <>
        {t.cancelReason}
        {by && <span class="muted"> (superseded by </span>}
        {by && (
          <a class="id" href={href(`/tasks/${encodeURIComponent(by)}`)} data-link="superseded-by">
            {by}
          </a>
        )}
        {by && <span class="muted">)</span>}
      </>,
    ],
  ];
}

/** Why flow control holds the task back (its limit, its next token), and how often it did. */
function waitingFields(t: TaskRecord): [string, string][] {
  const w = t.waiting;
  const open = t.status === 'QUEUED' || t.status === 'RETRYING';
  const detail = Object.entries(w?.detail ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    ...(w && open
      ? [['Waiting', `${w.reason} until ${formatTime(w.until)}${detail ? ` (${detail})` : ''}`]]
      : []),
    ...(t.deferrals ? [['Deferrals', String(t.deferrals)]] : []),
  ] as [string, string][];
}
