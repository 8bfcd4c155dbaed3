import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';

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
      scales: { x: { time: true } },
      axes: [
        { stroke: '#555' },
        { stroke: '#555', size: 56, values: (_u, ticks) => ticks.map((t) => `${t}${unit}`) },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: 2,
          ...(s.dash ? { dash: s.dash } : {}),
          spanGaps: false,
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
