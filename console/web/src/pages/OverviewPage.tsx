import type { TaskStatus } from '../../../shared/api.js';
import { api } from '../api/client.js';
import { FlowSummary } from '../components/FlowSummary.js';
import { formatAge, formatTime, itemsRead } from '../components/format.js';
import { OverviewCharts } from '../components/OverviewCharts.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { usePoll } from '../hooks/usePoll.js';
import { href } from '../hooks/useRoute.js';

/**
 * How often the overview refreshes itself. On AWS each refresh reads (and bills) up to
 * 5,000 items to count them, so it refreshes less often there.
 */
const REFRESH_MS = { local: 2_000, stack: 15_000 } as const;
const STATUSES: TaskStatus[] = [
  'QUEUED',
  'RUNNING',
  'RETRYING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
];

export function OverviewPage() {
  const meta = usePoll((s) => api.meta(s), 0);
  const every = meta.data ? REFRESH_MS[meta.data.target.kind] : 0;
  const overview = usePoll((s) => api.overview(s), every);
  const metrics = usePoll((s) => api.metrics(s), every * 2);
  const o = overview.data;
  return (
    <section aria-labelledby="overview-title">
      <div class="page-head">
        <h1 id="overview-title">Overview</h1>
        <p class="muted" aria-live="polite">
          {overview.error
            ? `Refresh failed: ${overview.error.message}`
            : o
              ? `Updated ${formatTime(o.at)}`
              : 'Loading…'}
        </p>
      </div>
      {every > 0 && <FlowSummary every={every} />}

      <h2>Queues</h2>
      <div class="scroll">
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">Priority</th>
              <th scope="col" class="num">
                Visible
              </th>
              <th scope="col" class="num">
                In flight
              </th>
              <th scope="col" class="num">
                Delayed
              </th>
              <th scope="col" class="num">
                Oldest
              </th>
              <th scope="col" class="num">
                DLQ
              </th>
            </tr>
          </thead>
          <tbody>
            {o?.queues.map((q) => (
              <tr key={q.priority}>
                <th scope="row" title={q.name}>
                  {q.priority}
                </th>
                <td class="num" data-label="Visible" data-queue-visible={q.priority}>
                  {q.visible}
                </td>
                <td class="num" data-label="In flight">
                  {q.inFlight}
                </td>
                <td class="num" data-label="Delayed">
                  {q.delayed}
                </td>
                <td class="num" data-label="Oldest">
                  {formatAge(q.oldestAgeSeconds)}
                </td>
                <td class={`num ${q.dlqVisible > 0 ? 'warn' : ''}`} data-label="DLQ">
                  {q.dlqVisible}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Tasks by type</h2>
      <div class="scroll">
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">Type</th>
              {STATUSES.map((s) => (
                <th scope="col" class="num" key={s}>
                  {s.toLowerCase()}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {o &&
              Object.entries(o.counts.byType)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([type, counts]) => (
                  <tr key={type}>
                    <th scope="row">
                      <a href={href('/tasks', { type })}>{type}</a>
                    </th>
                    {STATUSES.map((s) => (
                      <td
                        class="num"
                        key={s}
                        data-label={s.toLowerCase()}
                        data-count={`${type}:${s}`}
                      >
                        {counts[s] ? (
                          <a href={href('/tasks', { type, status: s })}>{counts[s]}</a>
                        ) : (
                          0
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
          </tbody>
        </table>
      </div>
      {o && (
        <p class="muted">
          Counted from {itemsRead(o.counts.scanned)}
          {o.counts.complete
            ? ' (the whole table).'
            : ', where the read stopped: larger tables are counted in part.'}
        </p>
      )}

      <h2>Last hour</h2>
      {metrics.data ? (
        <OverviewCharts m={metrics.data} />
      ) : (
        <p class="muted">{metrics.error?.message ?? 'Loading…'}</p>
      )}

      <h2>Alarms</h2>
      {o && o.alarms.length === 0 && <p class="muted">No alarms are defined for this target.</p>}
      <ul class="alarms">
        {o?.alarms.map((a) => (
          <li key={a.name} class={`alarm alarm-${a.state.toLowerCase()}`}>
            <div>
              <StatusBadge status={a.state} /> <strong>{a.name}</strong>
            </div>
            <p>{a.runbook}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
