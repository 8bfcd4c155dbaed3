/** Printing: aligned tables for people, JSON for scripts (`--json`). */

export type Cell = string | number | undefined;

/** An aligned table; numbers are right-aligned, missing cells shown as `-`. */
export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((row) => headers.map((_, i) => show(row[i])));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => isNumeric(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...text.map(line)].join('\n');
}

/** `key  value` lines, keys aligned; undefined values are left out. */
export function keyValues(pairs: [string, Cell][]): string {
  const shown = pairs.filter(([, v]) => v !== undefined);
  const width = Math.max(0, ...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${k.padEnd(width)}  ${show(v)}`).join('\n');
}

/** Milliseconds for people: `850 ms`, `2.4 s`, `3.1 min`. */
export function duration(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function percent(ratio: number | undefined): string | undefined {
  return ratio === undefined || !Number.isFinite(ratio)
    ? undefined
    : `${(ratio * 100).toFixed(1)}%`;
}

/** Writes a command's result: `json` with `--json`, otherwise the human text. */
export class Output {
  constructor(readonly json: boolean) {}

  result(data: unknown, human: () => string): void {
    process.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
  }

  /** Progress and hints, on stderr so they never mix with a result. Silent with `--json`. */
  note(message: string): void {
    if (!this.json) process.stderr.write(`${message}\n`);
  }
}

function show(value: Cell): string {
  if (value === undefined) return '-';
  return typeof value === 'number' ? formatNumber(value) : value;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function isNumeric(value: Cell): boolean {
  return (
    typeof value === 'number' || value === undefined || /^-?[\d.,]+( ?(ms|s|min|%))?$/.test(value)
  );
}
