import { api, type TaskQuery } from '../api/client.js';
import { BulkRetry } from '../components/BulkRetry.js';
import { FIELDS, FilterForm } from '../components/FilterForm.js';
import { formatDuration, formatTime, itemsRead } from '../components/format.js';
import { GroupLookup } from '../components/GroupLookup.js';
import { Pager } from '../components/Pager.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { useCursorPages } from '../hooks/useCursorPages.js';
import { usePoll } from '../hooks/usePoll.js';
import { href } from '../hooks/useRoute.js';
import { useActions } from '../hooks/useSession.js';
import type { PageProps } from '../pages.js';

const REFRESH_MS = 2_000;

/** datetime-local values are local times; the server takes ISO instants. */
const toInstant = (local: string | null) => (local ? new Date(local).toISOString() : undefined);
const toMs = (local: string | null) => (local ? new Date(local).getTime() : undefined);

export function TasksPage({ location }: PageProps) {
  const meta = usePoll((s) => api.meta(s), 0);
  const q = location.query;
  const cursor = q.get('cursor') ?? undefined;
  const query: TaskQuery = {
    status: q.get('status') ?? undefined,
    type: q.get('type') ?? undefined,
    priority: q.get('priority') ?? undefined,
    from: toInstant(q.get('from')),
    to: toInstant(q.get('to')),
    id: q.get('id') ?? undefined,
    key: q.get('key') ?? undefined,
    cursor,
  };
  const key = q.toString();
  const page = usePoll((s) => api.tasks(query, s), REFRESH_MS, [key]);
  const filterKey = FIELDS.map((f) => q.get(f) ?? '').join('|');

  const go = (values: Partial<Record<(typeof FIELDS)[number] | 'cursor', string | undefined>>) => {
    window.location.hash = href('/tasks', values);
  };
  const current = Object.fromEntries(FIELDS.map((f) => [f, q.get(f) ?? undefined]));
  const data = page.data;
  const pages = useCursorPages(cursor, data?.nextCursor, filterKey, (next) =>
    go({ ...current, cursor: next }),
  );
  const actions = useActions();
  const bulk = actions && query.status === 'FAILED' && !query.id && !query.key;

  return (
    <section aria-labelledby="tasks-title">
      <div class="page-head">
        <h1 id="tasks-title">Tasks</h1>
      </div>
      <FilterForm
        key={filterKey}
        meta={meta.data}
        initial={current}
        onApply={(values) => go(values)}
      />
      <GroupLookup />

      {bulk && (
        <BulkRetry
          key={filterKey}
          filter={{
            ...(query.type ? { type: query.type } : {}),
            ...(query.priority ? { priority: query.priority } : {}),
            ...(q.get('from') ? { from: toMs(q.get('from')) } : {}),
            ...(q.get('to') ? { to: toMs(q.get('to')) } : {}),
          }}
        />
      )}
      <p class="muted" aria-live="polite">
        {page.error
          ? `Could not list tasks: ${page.error.message}`
          : data
            ? describe(data.via, data.tasks.length, data.scanned, data.nextCursor !== undefined)
            : 'Loading…'}
      </p>

      <div class="scroll">
        <table class="stack tasks">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Priority</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Created</th>
              <th scope="col" class="num">
                Duration
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.tasks.map((t) => (
              <tr key={t.id} data-task={t.id}>
                <th scope="row" class="id">
                  <a href={href(`/tasks/${encodeURIComponent(t.id)}`)}>{t.id}</a>
                </th>
                <td data-label="Type">{t.type}</td>
                <td data-label="Status" data-status={t.status}>
                  <StatusBadge status={t.status} />
                </td>
                <td data-label="Priority">{t.priority}</td>
                <td class="num" data-label="Attempts">
                  {t.attempts}/{t.maxAttempts}
                </td>
                <td data-label="Created">{formatTime(t.createdAt)}</td>
                <td class="num" data-label="Duration">
                  {formatDuration(t.durationMs)}
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

function describe(via: string, count: number, scanned: number | undefined, more: boolean): string {
  const found = `${count} task${count === 1 ? '' : 's'}`;
  switch (via) {
    case 'id':
      return count ? `${found} with this id.` : 'No task has this id.';
    case 'idempotencyKey':
      return count ? `${found} with this idempotency key.` : 'No task of this type has this key.';
    case 'typeIndex':
      return `${found} of this type, newest first, from the type index (${itemsRead(scanned)})${more ? '; more on the next page' : ''}.`;
    case 'failures':
      return `${found} from the index of failed tasks${more ? '; more on the next page' : ''}.`;
    default:
      return `${found} matched among ${itemsRead(scanned)}${more ? '; the next page reads on' : ' (the end of the table)'}.`;
  }
}
