/** Shared formatting of times and durations, as plain text. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const d = new Date(ms);
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${d.toLocaleTimeString(undefined, { hour12: false })}`;
}

export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  return formatDuration(seconds * 1_000);
}

/** "1 item read", "2,000 items read": the bounded reads' cost, as pages print it. */
export function itemsRead(count: number | undefined): string {
  if (count === undefined) return '? items read';
  return `${count.toLocaleString()} ${count === 1 ? 'item' : 'items'} read`;
}
