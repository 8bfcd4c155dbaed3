import type { DashboardView, PanelView } from './chartPage.js';
import { evaluate, legend, type Scrape } from './promql.js';

/** The fields of a Grafana panel that the renderer reads. */
interface GrafanaPanel {
  type: string;
  title: string;
  gridPos: PanelView['gridPos'];
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Record<string, unknown>[];
}
interface GrafanaDashboard {
  title: string;
  panels: GrafanaPanel[];
}

/** `rate()` spans this many scrapes, as Grafana's `$__rate_interval` spans several. */
const RATE_WINDOW = 5;
/** Grafana units as an axis suffix and a scale. */
const UNITS: Record<string, [string, number]> = {
  ops: ['/s', 1],
  percentunit: ['%', 100],
  s: ['s', 1],
  ms: ['ms', 1],
};

/** Series of one query at every scrape, keyed by legend; gaps where it had no value. */
function collect(
  out: Map<string, (number | null)[]>,
  scrapes: Scrape[],
  name: (labels: Record<string, string>) => string,
  at: (i: number) => { labels: Record<string, string>; value: number }[],
  scale: number,
): void {
  scrapes.forEach((_, i) => {
    for (const s of at(i)) {
      const label = name(s.labels);
      const values = out.get(label) ?? scrapes.map(() => null);
      values[i] = s.value * scale;
      out.set(label, values);
    }
  });
}

function panelView(
  panel: GrafanaPanel,
  caption: string,
  fill: (out: Map<string, (number | null)[]>, scale: number) => void,
): PanelView {
  if (panel.type === 'row')
    return { title: panel.title, gridPos: panel.gridPos, row: true, series: [] };
  const [unit, scale] = UNITS[panel.fieldConfig?.defaults?.unit ?? ''] ?? ['', 1];
  const out = new Map<string, (number | null)[]>();
  fill(out, scale);
  const series = [...out].map(([label, values]) => ({ label, values }));
  return { title: panel.title, gridPos: panel.gridPos, caption, unit, series };
}

const times = (scrapes: Scrape[]) => scrapes.map((s) => s.at / 1000);

/** Every panel of the Prometheus dashboard, its PromQL evaluated over the scrapes. */
export function prometheusView(dashboard: GrafanaDashboard, scrapes: Scrape[]): DashboardView {
  const panels = dashboard.panels.map((panel) => {
    const targets = (panel.targets ?? []) as { expr: string; legendFormat: string }[];
    return panelView(panel, targets.map((t) => t.expr).join('  ·  '), (out, scale) => {
      for (const t of targets)
        collect(
          out,
          scrapes,
          (l) => legend(t.legendFormat, l),
          (i) => evaluate(t.expr, scrapes, i, RATE_WINDOW),
          scale,
        );
    });
  });
  return {
    title: dashboard.title,
    note: `npm start, ${scrapes.length} scrapes of /metrics; each panel's PromQL evaluated over them. The last row is served by \`taskpipe console --stack\` only, so it is empty here.`,
    times: times(scrapes),
    panels,
  };
}

/**
 * What each CloudWatch metric is in the local runtime's Prometheus metrics, and the scale to
 * CloudWatch's unit (per minute, milliseconds). Metrics with no local counterpart stay empty.
 */
const LOCAL: Record<string, (stat: string) => [string, number] | undefined> = {
  TasksSucceeded: () => ['sum by (type) (rate(taskpipe_tasks_total{status="succeeded"}[1m]))', 60],
  TasksFailed: () => ['sum by (type) (rate(taskpipe_tasks_total{status="failed"}[1m]))', 60],
  TasksPoison: () => ['sum by (type) (rate(taskpipe_tasks_total{status="poison"}[1m]))', 60],
  TasksRetried: () => ['sum by (type) (rate(taskpipe_task_retries_total[1m]))', 60],
  TaskDuration: (stat) => [
    `histogram_quantile(0.${stat.slice(1)}, sum by (le, type) (rate(taskpipe_task_duration_seconds_bucket[1m])))`,
    1000,
  ],
  QueueWait: (stat) => [
    `histogram_quantile(0.${stat.slice(1)}, sum by (le, type) (rate(taskpipe_task_queue_wait_seconds_bucket[1m])))`,
    1000,
  ],
  ApproximateNumberOfMessagesVisible: () => ['sum by (priority) (taskpipe_queue_messages)', 1],
  ApproximateNumberOfMessagesNotVisible: () => [
    'sum by (priority) (taskpipe_queue_messages_in_flight)',
    1,
  ],
};

/** The CloudWatch dashboard's layout over the local run's values, in CloudWatch's units. */
export function cloudWatchView(dashboard: GrafanaDashboard, scrapes: Scrape[]): DashboardView {
  const panels = dashboard.panels.map((panel) => {
    const targets = (panel.targets ?? []) as {
      namespace: string;
      metricName: string;
      statistic: string;
      label: string;
    }[];
    const caption = targets
      .map((t) => `${t.namespace} ${t.metricName} ${t.statistic}`)
      .join('  ·  ');
    return panelView(panel, caption, (out) => {
      for (const t of targets) {
        const local = LOCAL[t.metricName]?.(t.statistic);
        if (!local) continue;
        const name = (l: Record<string, string>) =>
          t.label.replace(/\$\{PROP\('Dim\.\w+'\)\}/, l.type ?? l.priority ?? '');
        collect(out, scrapes, name, (i) => evaluate(local[0], scrapes, i, RATE_WINDOW), local[1]);
      }
    });
  });
  return {
    title: `${dashboard.title} — layout preview`,
    note: "Layout preview, not a CloudWatch screenshot: each panel shows the local run's values converted to what the CloudWatch metric holds (per-minute sums, milliseconds). Metrics with no local counterpart (duplicates, deferrals, age of the oldest message) are empty.",
    times: times(scrapes),
    panels,
  };
}
