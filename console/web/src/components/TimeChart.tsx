import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import { isolatedPoints } from './isolatedPoints.js';

export interface Series {
  label: string;
  values: (number | null)[];
  /** A CSS colour; each series also has its own dash so colour is not the only cue. */
  stroke: string;
  dash?: number[];
}

interface Props {
  title: string;
  /** Epoch seconds. */
  times: number[];
  series: Series[];
  unit: string;
  /** Read by screen readers instead of the canvas. */
  summary: string;
}

/** A time-series chart (uPlot on a canvas), sized to its container. */
export function TimeChart({ title, times, series, unit, summary }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const options: Options = {
      width: Math.max(200, el.clientWidth),
      height: 180,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        // From zero, and never a flat empty range when there is no data yet.
        y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.1)] },
      },
      axes: [
        {
          stroke: '#555',
          space: 70,
          values: (_u, ticks) =>
            ticks.map((t) =>
              new Date(t * 1000).toLocaleTimeString(undefined, {
                hour: '2-digit',
                minute: '2-digit',
                hour12: false,
              }),
            ),
        },
        { stroke: '#555', size: 60, values: (_u, ticks) => ticks.map((t) => tickLabel(t, unit)) },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: 2,
          ...(s.dash ? { dash: s.dash } : {}),
          spanGaps: false,
          // A lone sample between gaps draws no line: show it as a dot.
          points: {
            show: true,
            size: 6,
            fill: s.stroke,
            filter: (u: uPlot, i: number) => isolatedPoints(u.data[i] ?? []),
          },
        })),
      ],
    };
    const chart = new uPlot(options, [times, ...series.map((s) => s.values)] as AlignedData, el);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(200, el.clientWidth), height: 180 });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape, unit]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((s) => s.values)] as AlignedData);
  }, [times, series]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-canvas" role="img" aria-label={`${title}: ${summary}`} />
    </figure>
  );
}

/** Short axis labels: milliseconds as ms or s, other units appended. */
function tickLabel(value: number, unit: string): string {
  if (unit !== 'ms') return `${Number(value.toPrecision(3))}${unit}`;
  return value >= 1_000
    ? `${Number((value / 1_000).toPrecision(3))}s`
    : `${Number(value.toPrecision(2))}ms`;
}
