import { useEffect, useState } from 'preact/hooks';

export interface Polled<T> {
  data?: T;
  error?: Error;
  /** When the data was last fetched. */
  at?: number;
}

/**
 * Fetches now and then every `intervalMs` (0: once) while the page is visible; a fetch
 * still running is aborted when the inputs change or the component goes away.
 */
export function usePoll<T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
  deps: readonly unknown[] = [],
): Polled<T> {
  const [state, setState] = useState<Polled<T>>({});
  useEffect(() => {
    let stopped = false;
    let controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      controller = new AbortController();
      try {
        const data = await fetcher(controller.signal);
        if (!stopped) setState({ data, at: Date.now() });
      } catch (error) {
        if (!stopped && !controller.signal.aborted) {
          setState((s) => ({ ...s, error: error as Error }));
        }
      }
      if (!stopped && intervalMs > 0) timer = setTimeout(tick, intervalMs);
    };
    const tick = () => {
      if (document.visibilityState === 'hidden') timer = setTimeout(tick, intervalMs);
      else void run();
    };
    setState((s) => ({ ...s, error: undefined }));
    void run();
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
    };
  }, [intervalMs, ...deps]);
  return state;
}
