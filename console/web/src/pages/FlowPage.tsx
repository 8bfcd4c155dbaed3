import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { BreakerTable, OpenBreakerByKey } from '../components/BreakerTable.js';
import { formatTime } from '../components/format.js';
import { PauseTable } from '../components/PauseTable.js';
import { usePoll } from '../hooks/usePoll.js';
import { useSession } from '../hooks/useSession.js';

const REFRESH_MS = 3_000;

/**
 * Flow control: what is paused, since when and by whom, and the circuit breakers, with
 * pause, resume, open and close, as `taskpipe pause`, `resume` and `breaker` do.
 */
export function FlowPage() {
  // Bumped after an action, so the tables are read again at once.
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  const meta = usePoll((s) => api.meta(s), 0);
  const flow = usePoll((s) => api.flow(s), REFRESH_MS, [version]);
  const session = useSession();
  const actions = session !== undefined && !session.readOnly;
  const who = session?.who ?? '';
  const stack = meta.data?.target.kind === 'stack';
  const f = flow.data;
  return (
    <section aria-labelledby="flow-title">
      <div class="page-head">
        <h1 id="flow-title">Flow</h1>
        <p class="muted" aria-live="polite">
          {flow.error
            ? `Refresh failed: ${flow.error.message}`
            : f
              ? `Updated ${formatTime(f.at)}`
              : 'Loading…'}
        </p>
      </div>
      <p class="muted">
        A paused queue is not received from; a paused type's tasks, and those behind an open
        breaker, wait without running and spend no attempt. The CLI's <code>taskpipe pause</code>,{' '}
        <code>resume</code> and <code>breaker</code> do the same.
      </p>

      <h2>Queues</h2>
      {f && (
        <PauseTable
          scope="queue"
          rows={f.queues.map((q) => ({
            name: q.priority,
            detail: q.name,
            ...(q.pause ? { pause: q.pause } : {}),
          }))}
          actions={actions}
          stack={stack}
          who={who}
          changed={changed}
        />
      )}

      <h2>Task types</h2>
      {f?.queues.some((q) => q.fifo) && (
        <p class="muted" data-fifo-note>
          A type's pause and its breaker hold its tasks on standard queues only: on FIFO queue{' '}
          {f.queues
            .filter((q) => q.fifo)
            .map((q) => q.priority)
            .join(', ')}{' '}
          they still run, since a FIFO queue cannot defer a message. Pause that queue to hold them.
        </p>
      )}
      {f && (
        <PauseTable
          scope="type"
          rows={f.types.map((t) => ({ name: t.type, ...(t.pause ? { pause: t.pause } : {}) }))}
          actions={actions}
          stack={stack}
          who={who}
          changed={changed}
        />
      )}

      <h2>Circuit breakers</h2>
      {f && <BreakerTable breakers={f.breakers} actions={actions} who={who} changed={changed} />}
      {actions && <OpenBreakerByKey who={who} changed={changed} />}
    </section>
  );
}
