/**
 * Just enough PromQL to draw the panels of dashboards/prometheus.json from scraped samples:
 * selectors with `=`/`!=` matchers, `rate()`, `sum|max by ()`, `histogram_quantile()`, `/`
 * and `== 1`. A full engine is Prometheus itself; this draws the screenshots in the docs.
 */

export type Labels = Record<string, string>;
/** One scrape: every series of the text format, keyed by its labels. */
export interface Scrape {
  at: number;
  series: { name: string; labels: Labels; value: number }[];
}
export interface Series {
  labels: Labels;
  value: number;
}

/** Parses the Prometheus text format (comments skipped). */
export function parseMetrics(text: string, at: number): Scrape {
  const series: Scrape['series'] = [];
  for (const line of text.split('\n')) {
    const [, name, body = '', value] = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line) ?? [];
    if (!name) continue;
    const labels: Labels = {};
    for (const [, l = '', v = ''] of body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l] = v;
    series.push({ name, labels, value: Number(value) });
  }
  return { at, series };
}

const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

function select(scrape: Scrape | undefined, selector: string): Series[] {
  const m = /^(\w+)(?:\{(.*)\})?$/.exec(selector.trim());
  if (!m || !scrape) throw new Error(`unsupported selector: ${selector}`);
  const matchers = [...(m[2] ?? '').matchAll(/(\w+)(!?=)"([^"]*)"/g)];
  return scrape.series.filter(
    (s) =>
      s.name === m[1] &&
      matchers.every(([, l = '', op, v]) => (s.labels[l] === v) === (op === '=')),
  );
}

/**
 * Per-second increase over the last `window` scrapes, like `rate(x[window])` (counter resets
 * are not handled: the runtime is not restarted while it is scraped).
 */
function rate(scrapes: Scrape[], i: number, window: number, selector: string): Series[] {
  const from = Math.max(0, i - window);
  const [start, end] = [scrapes[from], scrapes[i]];
  if (from === i || !start || !end) return [];
  const before = new Map(select(start, selector).map((s) => [key(s.labels), s.value]));
  const seconds = (end.at - start.at) / 1000;
  return select(end, selector).map((s) => ({
    labels: s.labels,
    value: (s.value - (before.get(key(s.labels)) ?? 0)) / seconds,
  }));
}

function aggregate(op: string, by: string[], input: Series[]): Series[] {
  const groups = new Map<string, Series>();
  for (const s of input) {
    const labels: Labels = {};
    for (const l of by) if (s.labels[l] !== undefined) labels[l] = s.labels[l];
    const k = key(labels);
    const g = groups.get(k);
    if (!g) groups.set(k, { labels, value: s.value });
    else g.value = op === 'sum' ? g.value + s.value : Math.max(g.value, s.value);
  }
  return [...groups.values()];
}

/** Linear interpolation inside the bucket holding rank q, as Prometheus does. */
function quantile(q: number, buckets: Series[]): Series[] {
  const byRest = new Map<string, { labels: Labels; b: [number, number][] }>();
  for (const s of buckets) {
    const { le, ...labels } = s.labels;
    const k = key(labels);
    const g = byRest.get(k) ?? { labels, b: [] };
    g.b.push([Number(le), s.value]);
    byRest.set(k, g);
  }
  return [...byRest.values()].flatMap(({ labels, b }) => {
    b.sort((x, y) => x[0] - y[0]);
    const total = b.at(-1)?.[1] ?? 0;
    if (total <= 0) return [];
    const rank = q * total;
    const i = b.findIndex(([, count]) => count >= rank);
    const [upper, count] = b[i] ?? [0, 0];
    const [lower, below] = b[i - 1] ?? [0, 0];
    // Above the highest finite bound, Prometheus answers that bound.
    if (upper === Number.POSITIVE_INFINITY) return [{ labels, value: lower }];
    return [{ labels, value: lower + ((upper - lower) * (rank - below)) / (count - below || 1) }];
  });
}

/** Splits `a / b` at the top-level operator, outside parentheses. */
function splitTop(expr: string, op: string): [string, string] | undefined {
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (depth === 0 && expr.startsWith(op, i))
      return [expr.slice(0, i), expr.slice(i + op.length)];
  }
  return undefined;
}

/** Evaluates `expr` at scrape `i`; `rate()` spans the `window` scrapes before it. */
export function evaluate(expr: string, scrapes: Scrape[], i: number, window = 1): Series[] {
  const e = expr.trim();
  const eq = splitTop(e, ' == ');
  if (eq) return evaluate(eq[0], scrapes, i, window).filter((s) => s.value === Number(eq[1]));
  const div = splitTop(e, ' / ');
  if (div) {
    const right = new Map(
      evaluate(div[1], scrapes, i, window).map((s) => [key(s.labels), s.value]),
    );
    return evaluate(div[0], scrapes, i, window).flatMap((s) => {
      const d = right.get(key(s.labels));
      return d ? [{ labels: s.labels, value: s.value / d }] : [];
    });
  }
  const [, op, by = '', inner = ''] = /^(sum|max) by \(([^)]*)\) \((.*)\)$/.exec(e) ?? [];
  if (op) {
    const labels = by.split(',').map((l) => l.trim());
    return aggregate(op, labels, evaluate(inner, scrapes, i, window));
  }
  const [, q, buckets = ''] = /^histogram_quantile\(([\d.]+), (.*)\)$/.exec(e) ?? [];
  if (q) return quantile(Number(q), evaluate(buckets, scrapes, i, window));
  const [, selector] = /^rate\((.*)\[[^\]]+\]\)$/.exec(e) ?? [];
  if (selector) return rate(scrapes, i, window, selector);
  return select(scrapes[i], e);
}

/** Grafana's `{{label}}` legend format. */
export function legend(format: string, labels: Labels): string {
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, l: string) => labels[l] ?? '');
}
