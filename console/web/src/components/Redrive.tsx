import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { useBatchRun } from '../hooks/useBatchRun.js';
import { BatchProgress } from './BatchProgress.js';

/** The server's cap on dead letters one request moves. */
const PER_REQUEST = 100;

/**
 * Redrive of one DLQ, all of it or its first N letters: a confirmation, then capped
 * requests with a progress bar and a Stop button.
 */
export function Redrive({ queue, depth }: { queue: string; depth: number }) {
  const [asking, setAsking] = useState(false);
  const [count, setCount] = useState('');
  const run = useBatchRun();
  const wanted = count === '' ? depth : Math.max(1, Math.floor(Number(count)) || 1);
  const start = () => {
    setAsking(false);
    const startedAt = Date.now();
    let remaining = wanted;
    run.start(wanted, async () => {
      const out = await api.redrive({ queue, max: Math.min(PER_REQUEST, remaining), startedAt });
      remaining -= out.moved;
      const reasons = Object.entries(out.reasons).map(([why, n]) => `${n} left: ${why}`);
      return {
        handled: out.moved,
        more: out.moved > 0 && remaining > 0,
        ...(reasons.length ? { note: reasons.join('; ') } : {}),
      };
    });
  };
  return (
    <div class="redrive">
      {!asking && run.state !== 'running' && (
        <button type="button" disabled={depth === 0} onClick={() => setAsking(true)}>
          Redrive…
        </button>
      )}
      {asking && (
        <fieldset class="confirm" aria-label={`Confirm: redrive ${queue}`}>
          <label>
            How many (empty: all {depth}){' '}
            <input
              type="number"
              min={1}
              inputMode="numeric"
              value={count}
              onInput={(e) => setCount((e.target as HTMLInputElement).value)}
            />
          </label>
          <p>
            Move {wanted} dead letter{wanted === 1 ? '' : 's'} back to the {queue} queue: their
            FAILED tasks become QUEUED and run again. Letters of tasks that ended otherwise stay.
          </p>
          <button type="button" onClick={start}>
            Redrive {wanted}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </fieldset>
      )}
      <BatchProgress run={run} noun="dead letters moved" />
    </div>
  );
}
