import type { TimelineEvent } from '../../../shared/api.js';
import { formatTime } from './format.js';
import { JsonView, LongText } from './JsonView.js';

/** The attempt timeline, oldest first; errors with their code, message, details and stack. */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  return (
    <ol class="timeline">
      {events.map((e, i) => (
        <li key={`${e.kind}-${i}`} class={`event event-${e.kind}`}>
          <time dateTime={new Date(e.at).toISOString()}>{formatTime(e.at)}</time>
          <span class="event-label">{e.label}</span>
          {e.error && (
            <div class="event-error">
              <div>
                <code>{e.error.code}</code>: <LongText text={e.error.message} />
              </div>
              {e.error.details !== undefined && (
                <details>
                  <summary>Details</summary>
                  <JsonView json={JSON.stringify(e.error.details)} />
                </details>
              )}
              {e.error.stack !== undefined && (
                <details>
                  <summary>Stack</summary>
                  <pre class="error-stack">{e.error.stack}</pre>
                </details>
              )}
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
