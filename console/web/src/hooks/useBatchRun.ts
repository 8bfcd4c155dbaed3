import { useRef, useState } from 'preact/hooks';

/** One capped request of a long action: how many it handled, and whether more remain. */
export interface Step {
  handled: number;
  more: boolean;
  /** A line for the log under the progress bar (skipped tasks, messages left). */
  note?: string;
}

export interface BatchRun {
  state: 'idle' | 'running' | 'stopped' | 'done' | 'failed';
  done: number;
  total: number;
  notes: string[];
  error?: string;
  start(total: number, step: () => Promise<Step>): void;
  stop(): void;
}

/**
 * Runs a bulk action as a series of capped requests, one after the other, with a count
 * for the progress bar. Stop takes effect between requests: nothing is left half done.
 */
export function useBatchRun(): BatchRun {
  const [view, setView] = useState<Omit<BatchRun, 'start' | 'stop'>>({
    state: 'idle',
    done: 0,
    total: 0,
    notes: [],
  });
  const stopped = useRef(false);
  const start = (total: number, step: () => Promise<Step>) => {
    stopped.current = false;
    let done = 0;
    const notes: string[] = [];
    setView({ state: 'running', done, total, notes });
    void (async () => {
      try {
        for (;;) {
          const out = await step();
          done += out.handled;
          if (out.note) notes.push(out.note);
          const finished = !out.more || done >= total;
          const state = finished ? 'done' : stopped.current ? 'stopped' : 'running';
          setView({ state, done, total: Math.max(total, done), notes: [...notes] });
          if (state !== 'running') return;
        }
      } catch (error) {
        setView({ state: 'failed', done, total, notes, error: (error as Error).message });
      }
    })();
  };
  return {
    ...view,
    start,
    stop: () => {
      stopped.current = true;
    },
  };
}
