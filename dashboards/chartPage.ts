import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';

/** One panel as drawn: Grafana's grid position, its title, a caption and its series. */
export interface PanelView {
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  row?: boolean;
  caption?: string;
  unit?: string;
  series: { label: string; values: (number | null)[] }[];
}

export interface DashboardView {
  title: string;
  note: string;
  /** Seconds since the epoch, one per sample. */
  times: number[];
  panels: PanelView[];
}

const UPLOT = resolve('node_modules/uplot/dist');
const COLORS = [
  '#3274d9',
  '#e02f44',
  '#56a64b',
  '#ff9830',
  '#a352cc',
  '#8ab8ff',
  '#f2cc0c',
  '#705da0',
  '#37872d',
  '#c4162a',
];
const ROW_PX = 34;

/** Runs in the page: lays the panels out on Grafana's 24-column grid and draws them with uPlot. */
function draw({
  view,
  colors,
  rowPx,
}: {
  view: DashboardView;
  colors: string[];
  rowPx: number;
}): void {
  const root = document.getElementById('root') as HTMLElement;
  const head = document.createElement('h1');
  head.textContent = view.title;
  const note = document.createElement('p');
  note.textContent = view.note;
  root.append(head, note);
  const grid = document.createElement('div');
  grid.className = 'grid';
  root.append(grid);
  for (const panel of view.panels) {
    const box = document.createElement('div');
    box.className = panel.row ? 'row' : 'panel';
    box.style.gridColumn = `${panel.gridPos.x + 1} / span ${panel.gridPos.w}`;
    box.style.gridRow = `${panel.gridPos.y + 1} / span ${panel.gridPos.h}`;
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = panel.title;
    box.append(title);
    grid.append(box);
    if (panel.row) continue;
    if (panel.caption) {
      const caption = document.createElement('div');
      caption.className = 'caption';
      caption.textContent = panel.caption;
      box.append(caption);
    }
    const width = box.clientWidth - 16;
    // The panel's height on the grid (rows and the 8 px gaps between them), less its text.
    const height = panel.gridPos.h * (rowPx + 8) - 8 - (panel.caption ? 150 : 120);
    if (panel.series.length === 0) {
      const none = document.createElement('div');
      none.className = 'none';
      none.textContent = 'No data';
      box.append(none);
      continue;
    }
    const unit = panel.unit ?? '';
    // biome-ignore lint/suspicious/noExplicitAny: uPlot is loaded as a page global.
    const UPlot = (window as any).uPlot;
    new UPlot(
      {
        width,
        height,
        legend: { show: true, live: false },
        cursor: { show: false },
        axes: [
          {},
          {
            size: 76,
            values: (_: unknown, ticks: number[]) =>
              ticks.map((t) => `${+t.toPrecision(3)}${unit}`),
          },
        ],
        series: [
          {},
          ...panel.series.map((s, i) => ({
            label: s.label,
            stroke: colors[i % colors.length],
            width: 2,
            spanGaps: true,
          })),
        ],
      },
      [view.times, ...panel.series.map((s) => s.values)],
      box,
    );
  }
}

/** Draws `view` in Chromium and writes a full-page PNG to `path`. */
export async function screenshotDashboard(
  browser: Browser,
  view: DashboardView,
  path: string,
): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>
      body { font: 13px system-ui, sans-serif; background: #f4f5f5; color: #222; margin: 16px; }
      h1 { font-size: 18px; margin: 0 0 4px; } p { margin: 0 0 12px; color: #555; }
      .grid { display: grid; grid-template-columns: repeat(24, 1fr);
        grid-auto-rows: ${ROW_PX}px; gap: 8px; }
      .panel { background: #fff; border: 1px solid #ddd; border-radius: 3px; padding: 6px 8px; overflow: hidden; }
      .row .title { font-size: 15px; padding-top: 8px; }
      .title { font-weight: 600; } .caption { color: #666; font-size: 11px; margin: 2px 0 4px; }
      .none { color: #999; padding: 40px; text-align: center; }
    </style></head><body><div id="root"></div></body></html>`);
    await page.addStyleTag({ path: `${UPLOT}/uPlot.min.css` });
    await page.addScriptTag({ path: `${UPLOT}/uPlot.iife.min.js` });
    // tsx names functions with a `__name` helper that the page does not have.
    await page.evaluate('globalThis.__name = (f) => f;');
    await page.evaluate(draw, { view, colors: COLORS, rowPx: ROW_PX });
    await page.screenshot({ path, fullPage: true });
  } finally {
    await page.close();
  }
}
