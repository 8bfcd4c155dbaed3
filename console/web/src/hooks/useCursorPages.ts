import { useEffect, useState } from 'preact/hooks';

/** The Previous and Next buttons' actions; absent when there is no such page. */
export interface CursorPages {
  previous?: () => void;
  next?: () => void;
}

/**
 * Cursor paging kept in the address: the cursors of the pages before this one are
 * remembered to go back, and forgotten when `resetKey` (the filter, the group) changes.
 */
export function useCursorPages(
  current: string | undefined,
  nextCursor: string | undefined,
  resetKey: string,
  go: (cursor: string | undefined) => void,
): CursorPages {
  const [history, setHistory] = useState<string[]>([]);
  useEffect(() => setHistory([]), [resetKey]);
  return {
    ...(history.length > 0
      ? {
          previous: () => {
            setHistory(history.slice(0, -1));
            go(history.at(-1) || undefined);
          },
        }
      : {}),
    ...(nextCursor
      ? {
          next: () => {
            setHistory([...history, current ?? '']);
            go(nextCursor);
          },
        }
      : {}),
  };
}
