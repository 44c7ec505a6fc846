// Time charts on uPlot: every chart has a title, a legend and its unit on the value axis.
import uPlot from 'uplot';
import { h } from './dom.js';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  fill?: string;
  dash?: number[];
  /** Fill down to the series of this index (below this one): a band, or one layer of a stacked area. */
  bandTo?: number;
}

export interface ChartSpec {
  title: string;
  unit: string;
  /** Epoch ms. */
  times: number[];
  series: Series[];
  width?: number;
  height?: number;
  /** Values hold over each interval (a step from one time to the next) rather than joining points by lines. */
  stepped?: boolean;
}

/** A chart whose data can be replaced in place (a live chart), without a new uPlot each time. */
export interface LiveChart {
  el: HTMLElement;
  setData: (times: number[], values: (number | null)[][]) => void;
}

export function liveChart(spec: ChartSpec): LiveChart {
  const el = chart(spec);
  return { el, setData: (times, values) => plots.get(el)?.setData([times.map((t) => t / 1000), ...values]) };
}

const plots = new WeakMap<HTMLElement, uPlot>();

export function chart(spec: ChartSpec): HTMLElement {
  const box = h(
    'figure',
    { class: 'chart', 'aria-label': `${spec.title} (${spec.unit})` },
    h('figcaption', {}, `${spec.title} (${spec.unit})`),
  );
  const data: uPlot.AlignedData = [spec.times.map((t) => t / 1000), ...spec.series.map((s) => s.values)];
  const bands: uPlot.Band[] = [];
  spec.series.forEach((s, i) => {
    if (s.bandTo !== undefined) bands.push({ series: [i + 1, s.bandTo + 1], fill: s.fill });
  });
  const opts: uPlot.Options = {
    width: spec.width ?? Math.min(900, Math.max(320, (document.getElementById('main')?.clientWidth ?? 900) - 40)),
    height: spec.height ?? 260,
    legend: { show: true },
    bands,
    scales: { x: { time: true } },
    axes: [{}, { label: spec.unit, size: 60 }],
    series: [
      { label: 'time' },
      ...spec.series.map((s) => ({
        label: `${s.label} (${spec.unit})`,
        stroke: s.color,
        dash: s.dash,
        fill: s.bandTo === undefined ? s.fill : undefined,
        width: 1.5,
        points: { show: false },
        ...(spec.stepped ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
      })),
    ],
  };
  plots.set(box, new uPlot(opts, data, box));
  return box;
}

/** Stacks series (each the running sum of those before it), for stacked areas. */
export function stack(values: number[][]): number[][] {
  const out: number[][] = [];
  values.forEach((v, i) => out.push(v.map((x, j) => x + (i > 0 ? out[i - 1][j] : 0))));
  return out;
}

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#ff7f0e',
];
