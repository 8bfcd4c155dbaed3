import type { BatchRun } from '../hooks/useBatchRun.js';

/** The progress bar of a bulk action, its Stop button, and what it noted. */
export function BatchProgress({ run, noun }: { run: BatchRun; noun: string }) {
  if (run.state === 'idle') return null;
  const words = {
    running: 'running',
    stopped: 'stopped; start again to resume',
    done: 'done',
    failed: `failed: ${run.error ?? ''}`,
  }[run.state];
  return (
    <div class="batch" data-batch-state={run.state}>
      <progress max={Math.max(run.total, 1)} value={run.done} aria-label={`${noun} done`} />
      <p role="status">
        <span data-batch-done>{run.done}</span> of {run.total} {noun} ({words})
      </p>
      {run.state === 'running' && (
        <button type="button" class="secondary" onClick={run.stop}>
          Stop
        </button>
      )}
      {run.notes.length > 0 && (
        <ul class="notes">
          {run.notes.slice(-10).map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
