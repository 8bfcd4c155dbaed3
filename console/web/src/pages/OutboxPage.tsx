import { api } from '../api/client.js';
import { formatTime } from '../components/format.js';
import { usePoll } from '../hooks/usePoll.js';
import { href } from '../hooks/useRoute.js';

const REFRESH_MS = 5_000;

/** The local runtime's outbox: the emails it kept instead of sending, newest first. */
export function OutboxPage() {
  const outbox = usePoll((s) => api.outbox(undefined, s), REFRESH_MS);
  const o = outbox.data;
  return (
    <section aria-labelledby="outbox-title">
      <h1 id="outbox-title">Outbox</h1>
      {outbox.error && <p role="alert">Could not load the outbox: {outbox.error.message}</p>}
      {o && !o.available && (
        <p class="muted" data-outbox="none">
          No outbox: this console reads a deployed stack, where email goes through Amazon SES. The
          outbox is the local runtime's (<code>npm start</code>).
        </p>
      )}
      {o?.available && o.messages.length === 0 && (
        <p class="muted" data-outbox="empty">
          The outbox is empty: emails that <code>email.send</code> tasks and email alarms send
          locally appear here (docs/email.md).
        </p>
      )}
      {o?.available && o.messages.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Sent</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Task</th>
            </tr>
          </thead>
          <tbody>
            {o.messages.map((m) => (
              <tr key={m.id} data-message={m.id}>
                <td>
                  <time dateTime={m.at}>{formatTime(Date.parse(m.at))}</time>
                </td>
                <td>{m.from}</td>
                <td>{m.to.join(', ')}</td>
                <td>
                  <a href={href(`/outbox/${encodeURIComponent(m.id)}`)}>
                    {m.subject ?? `template ${m.template ?? ''}`}
                  </a>
                </td>
                <td class="id">
                  {m.key ? <a href={href(`/tasks/${encodeURIComponent(m.key)}`)}>{m.key}</a> : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
