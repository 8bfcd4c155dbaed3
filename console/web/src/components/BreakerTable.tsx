import { useState } from 'preact/hooks';
import type { BreakerView } from '../../../shared/api.js';
import { api } from '../api/client.js';
import { Confirm } from './Confirm.js';
import { formatTime } from './format.js';

interface BreakerTableProps {
  breakers: BreakerView[];
  actions: boolean;
  who: string;
  changed: () => void;
}

const STATE_TEXT: Record<BreakerView['state'], string> = {
  closed: 'closed',
  open: 'open',
  half_open: 'half-open (probing)',
};

/** The breakers that have moved: state, window counts, cool-down, and Open or Close. */
export function BreakerTable({ breakers, actions, who, changed }: BreakerTableProps) {
  if (breakers.length === 0) {
    return (
      <p class="muted" data-breakers="none">
        No circuit breaker has opened yet.
      </p>
    );
  }
  return (
    <div class="scroll">
      <table class="stack flow" data-breakers="list">
        <thead>
          <tr>
            <th scope="col">Breaker</th>
            <th scope="col">State</th>
            <th scope="col">Since</th>
            <th scope="col">By</th>
            <th scope="col" class="num">
              Failures in window
            </th>
            <th scope="col">Probes from</th>
            {actions && (
              <th scope="col" class="flow-action">
                Action
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {breakers.map((b) => (
            <tr key={b.key} data-breaker={b.key} data-state={b.state}>
              <th scope="row" class="id">
                {b.key}
              </th>
              <td data-label="State" class={b.state === 'closed' ? '' : 'warn'}>
                {STATE_TEXT[b.state]}
              </td>
              <td data-label="Since" class="flow-since">
                {formatTime(b.since)}
              </td>
              <td data-label="By" class="who">
                {b.by}
              </td>
              <td data-label="Failures in window" class="num flow-count">
                {`${b.failuresInWindow} of ${b.attemptsInWindow} in ${b.windowSeconds} s`}
              </td>
              <td data-label="Probes from">{probesFrom(b)}</td>
              {actions && (
                <td data-label="Action" class="flow-action">
                  <BreakerAction
                    breakerKey={b.key}
                    open={b.state !== 'closed'}
                    who={who}
                    changed={changed}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function probesFrom(b: BreakerView): string {
  if (b.state !== 'open') return '—';
  return b.heldOpen ? 'held open until closed by hand' : formatTime(b.coolDownEnds);
}

/** Open (held until closed) or Close one breaker, behind a confirmation. */
function BreakerAction({
  breakerKey,
  open,
  who,
  changed,
}: {
  breakerKey: string;
  open: boolean;
  who: string;
  changed: () => void;
}) {
  return (
    <Confirm
      label={`${open ? 'Close' : 'Open'} ${breakerKey}…`}
      effect={
        open
          ? `Close ${breakerKey}: its tasks run again, and its window starts empty, so earlier failures cannot reopen it at once. Recorded as closed by ${who}.`
          : `Open ${breakerKey} by hand: its tasks wait without running, spending no attempt, until someone closes it. Recorded as opened by ${who}.`
      }
      onConfirm={async () => {
        const out = open ? await api.closeBreaker(breakerKey) : await api.openBreaker(breakerKey);
        changed();
        return `Breaker ${out.key} is ${STATE_TEXT[out.state]}.`;
      }}
    />
  );
}

/** Opens a breaker that has not moved yet, by its key. */
export function OpenBreakerByKey({ who, changed }: { who: string; changed: () => void }) {
  const [key, setKey] = useState('');
  return (
    <div class="breaker-key">
      <label>
        Breaker key{' '}
        <input
          type="text"
          value={key}
          placeholder="host:api.example.com or type:email.send"
          onInput={(e) => setKey((e.target as HTMLInputElement).value.trim())}
        />
      </label>
      {key && <BreakerAction breakerKey={key} open={false} who={who} changed={changed} />}
    </div>
  );
}
