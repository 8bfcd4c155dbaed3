import { useState } from 'preact/hooks';
import { href } from '../hooks/useRoute.js';

/** A group id to open: goes to that group's page. */
export function GroupLookup({ initial = '' }: { initial?: string }) {
  const [id, setId] = useState(initial);
  const submit = (event: Event) => {
    event.preventDefault();
    const wanted = id.trim();
    if (wanted) window.location.hash = href(`/groups/${encodeURIComponent(wanted)}`);
  };
  return (
    <form class="lookup" onSubmit={submit} aria-label="Open a group">
      <label>
        Group id
        <input
          name="group"
          value={id}
          onInput={(e) => setId((e.currentTarget as HTMLInputElement).value)}
          autoComplete="off"
          spellcheck={false}
        />
      </label>
      <button type="submit" class="secondary">
        Open group
      </button>
    </form>
  );
}
