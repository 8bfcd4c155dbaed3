import { api } from '../api/client.js';
import { formatTime } from '../components/format.js';
import { usePoll } from '../hooks/usePoll.js';
import { href } from '../hooks/useRoute.js';
import type { PageProps } from '../pages.js';

/**
 * One email of the outbox: headers, the text part, and the HTML part as its source.
 * Everything is text: a message's HTML is never rendered (it is whatever a task sent).
 */
export function OutboxMessagePage({ params }: PageProps) {
  const id = params.id ?? '';
  const outbox = usePoll((s) => api.outbox(id, s), 0, [id]);
  const o = outbox.data;
  const m = o?.message;
  const back = (
    <p>
      <a href={href('/outbox')}>← Outbox</a>
    </p>
  );
  if (!m) {
    let status = 'Loading…';
    if (outbox.error) status = `Could not load the email: ${outbox.error.message}`;
    else if (o && !o.available) status = 'No outbox: this console reads a deployed stack.';
    else if (o) status = `No email ${id} in the outbox.`;
    return (
      <section>
        {back}
        <h1>Email</h1>
        <p class="muted" role="status">
          {status}
        </p>
      </section>
    );
  }
  const headers: [string, string | undefined][] = [
    ['Sent', formatTime(Date.parse(m.at))],
    ['From', m.from],
    ['To', m.to.join(', ')],
    ['Cc', m.cc.join(', ') || undefined],
    ['Bcc', m.bcc.join(', ') || undefined],
    ['Reply-To', m.replyTo.join(', ') || undefined],
    ['Template', m.template && `${m.template.name} ${JSON.stringify(m.template.data)}`],
    [
      'Attachments',
      m.attachments.map((a) => `${a.filename} (${a.contentType}, ${a.bytes} bytes)`).join(', ') ||
        undefined,
    ],
    ['Id', m.id],
  ];
  return (
    <section aria-labelledby="email-title" data-email={m.id}>
      {back}
      <h1 id="email-title">{m.subject ?? `template ${m.template?.name ?? ''}`}</h1>
      <dl class="fields">
        {headers
          .filter(([, v]) => v !== undefined)
          .flatMap(([k, v]) => [<dt key={`${k}-k`}>{k}</dt>, <dd key={`${k}-v`}>{v}</dd>])}
        {m.key && [
          <dt key="task-k">Task</dt>,
          <dd key="task-v" class="id">
            <a href={href(`/tasks/${encodeURIComponent(m.key)}`)}>{m.key}</a>
          </dd>,
        ]}
      </dl>
      {m.text !== undefined && (
        <>
          <h2>Text part</h2>
          <pre class="email-part" data-part="text">
            {m.text}
          </pre>
        </>
      )}
      {m.html !== undefined && (
        <>
          <h2>HTML part (source, not rendered)</h2>
          <pre class="email-part" data-part="html">
            {m.html}
          </pre>
        </>
      )}
    </section>
  );
}
