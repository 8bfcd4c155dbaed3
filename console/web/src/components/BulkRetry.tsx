import { useState } from 'preact/hooks';
import type { BulkPreviewView } from '../../../shared/api.js';
import { api, type BulkFilter } from '../api/client.js';
import { useBatchRun } from '../hooks/useBatchRun.js';
import { BatchProgress } from './BatchProgress.js';

/**
 * Bulk retry of the FAILED tasks the page's filter shows: a preview (how many, and a
 * sample), a confirmation, then capped batches with a progress bar and a Stop button.
 */
export function BulkRetry({ filter }: { filter: BulkFilter }) {
  const [preview, setPreview] = useState<BulkPreviewView>();
  const [error, setError] = useState<string>();
  const run = useBatchRun();
  const ask = async () => {
    setError(undefined);
    try {
      setPreview(await api.bulkPreview(filter));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const start = () => {
    if (!preview) return;
    let cursor: string | undefined;
    run.start(preview.count, async () => {
      const out = await api.bulkRetry({ filter, ...(cursor ? { cursor } : {}) });
      cursor = out.nextCursor;
      const note = out.skipped.length
        ? `skipped ${out.skipped.map((s) => `${s.id} (${s.code})`).join(', ')}`
        : undefined;
      return { handled: out.retried, more: cursor !== undefined, ...(note ? { note } : {}) };
    });
    setPreview(undefined);
  };
  return (
    <div class="bulk">
      {run.state !== 'running' && !preview && (
        <button type="button" class="secondary" onClick={ask}>
          Retry all matching…
        </button>
      )}
      {error && <p role="alert">{error}</p>}
      {preview && (
        <fieldset class="confirm" aria-label="Confirm: bulk retry">
          <p>
            <span data-preview-count>{preview.count}</span>
            {preview.complete ? '' : '+'} FAILED task{preview.count === 1 ? '' : 's'} match this
            filter. Each becomes QUEUED with its type's attempts added and is sent again, in batches
            you can stop.
          </p>
          {preview.sample.length > 0 && (
            <p class="muted">
              For example: {preview.sample.map((t) => `${t.id} (${t.type})`).join(', ')}
            </p>
          )}
          <button type="button" disabled={preview.count === 0} onClick={start}>
            Retry {preview.count} task{preview.count === 1 ? '' : 's'}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setPreview(undefined)}>
            Cancel
          </button>
        </fieldset>
      )}
      <BatchProgress run={run} noun="tasks retried" />
    </div>
  );
}
