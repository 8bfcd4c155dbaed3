import type { CursorPages } from '../hooks/useCursorPages.js';

/** Previous and Next page buttons, disabled where there is no such page. */
export function Pager({ pages }: { pages: CursorPages }) {
  return (
    <div class="pager">
      <button
        type="button"
        class="secondary"
        disabled={!pages.previous}
        onClick={() => pages.previous?.()}
      >
        Previous page
      </button>
      <button type="button" disabled={!pages.next} onClick={() => pages.next?.()}>
        Next page
      </button>
    </div>
  );
}
