import { api } from '../api/client.js';
import { Redrive } from '../components/Redrive.js';
import { usePoll } from '../hooks/usePoll.js';
import { useActions } from '../hooks/useSession.js';

const REFRESH_MS = 3_000;

/** Each priority's dead-letter queue: its depth, and a redrive of all or part of it. */
export function DeadLettersPage() {
  const overview = usePoll((s) => api.overview(s), REFRESH_MS);
  const actions = useActions();
  const queues = overview.data?.queues ?? [];
  return (
    <section aria-labelledby="dlq-title">
      <div class="page-head">
        <h1 id="dlq-title">Dead letters</h1>
      </div>
      <p class="muted">
        A task that failed for good is copied to its priority's dead-letter queue. A redrive sends
        the copies back, as <code>taskpipe redrive</code> does.
      </p>
      {overview.error && <p role="alert">Could not load the queues: {overview.error.message}</p>}
      {queues.map((q) => (
        <article key={q.priority} class="dlq" data-dlq={q.priority}>
          <h2>
            {q.priority}: <span data-dlq-depth>{q.dlqVisible}</span> dead letter
            {q.dlqVisible === 1 ? '' : 's'}
          </h2>
          {actions && <Redrive queue={q.priority} depth={q.dlqVisible} />}
        </article>
      ))}
    </section>
  );
}
