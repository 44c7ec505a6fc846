// Operator: pipeline health from the live stream: readings/s, watermark lag per source, late drops, dead letters by reason.
import { get } from '../api.js';
import { liveChart, type LiveChart } from '../chart.js';
import { fmt, h, table } from '../dom.js';
import type { View } from '../view.js';

interface Health {
  atMs: number;
  readingsPerSec: number;
  watermarkLagMs: number | null;
  late: number;
  activeWindows: number;
  emitDelayP99Ms: number;
  deadLetters: { total: number; byReason: Record<string, number> };
  lateDrops: { recentLate: number; recentRatio: number; abnormal: boolean };
  sources: { source: string; lagMs: number | null; idle: boolean }[] | null;
}

const HISTORY = 120;
const history: { at: number; rate: number }[] = [];
let root: HTMLElement | undefined;
let latest: Health | undefined;
/** The parts redrawn on each health event; the chart keeps its uPlot and takes new data. */
let parts: { cards: HTMLElement; rates: LiveChart; bars: HTMLElement; sources: HTMLElement } | undefined;

const seconds = (ms: number | null) => (ms === null ? '–' : `${fmt(ms / 1000, 1)} s`);

function draw(): void {
  if (!root || !latest) return;
  const x = latest;
  const cards = h(
    'div',
    { class: 'cards' },
    h(
      'div',
      { class: 'card' },
      h('span', {}, 'Readings/s'),
      h('strong', { 'data-metric': 'readings-per-sec' }, String(x.readingsPerSec)),
    ),
    h(
      'div',
      { class: 'card' },
      h('span', {}, 'Watermark lag'),
      h('strong', { 'data-metric': 'watermark-lag' }, seconds(x.watermarkLagMs)),
    ),
    h(
      'div',
      { class: 'card' },
      h('span', {}, 'Late drops (last minute)'),
      h(
        'strong',
        { 'data-metric': 'late-drops' },
        `${x.lateDrops.recentLate} (${fmt(x.lateDrops.recentRatio * 100, 2)} %)${x.lateDrops.abnormal ? ' abnormal' : ''}`,
      ),
    ),
    h('div', { class: 'card' }, h('span', {}, 'Late readings (total)'), h('strong', {}, String(x.late))),
    h(
      'div',
      { class: 'card' },
      h('span', {}, 'Dead letters'),
      h('strong', { 'data-metric': 'dead-letters' }, String(x.deadLetters.total)),
    ),
    h('div', { class: 'card' }, h('span', {}, 'Emit delay p99'), h('strong', {}, `${fmt(x.emitDelayP99Ms, 0)} ms`)),
  );
  const reasons = Object.entries(x.deadLetters.byReason).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...reasons.map((r) => r[1]));
  const bars = h(
    'figure',
    { class: 'bars', 'aria-label': 'Dead letters by reason (count)' },
    h('figcaption', {}, 'Dead letters by reason (count)'),
    ...reasons.map(([reason, n]) =>
      h(
        'div',
        { class: 'bar-row', 'data-reason': reason },
        h('span', { class: 'bar-label' }, reason),
        h('meter', { min: 0, max, value: n, 'aria-label': `${reason} dead letters` }),
        h('span', {}, String(n)),
      ),
    ),
    reasons.length === 0 ? h('p', {}, 'none') : null,
  );
  const sources = table(
    'Watermark lag per source (service time)',
    ['source', 'lag', 'state'],
    (x.sources ?? []).map((src) => [
      src.source,
      seconds(src.lagMs),
      src.idle ? 'idle (not holding the watermark)' : 'active',
    ]),
    { id: 'sources' },
  );
  if (!parts || !parts.cards.isConnected) {
    const rates = liveChart({
      title: 'Readings ingested per second',
      unit: 'readings/s',
      times: history.map((p) => p.at),
      series: [{ label: 'readings/s', values: history.map((p) => p.rate), color: '#1f77b4' }],
      height: 180,
    });
    parts = { cards: h('div'), rates, bars: h('div'), sources: h('div') };
    root.replaceChildren(h('h1', {}, 'Pipeline health'), parts.cards, rates.el, parts.bars, parts.sources);
  } else {
    parts.rates.setData(
      history.map((p) => p.at),
      [history.map((p) => p.rate)],
    );
  }
  parts.cards.replaceChildren(cards);
  parts.bars.replaceChildren(bars);
  parts.sources.replaceChildren(sources);
}

export const operatorHealth: View = {
  id: 'health',
  title: 'Pipeline health',
  roles: ['operator'],
  async render(_who, el) {
    root = el;
    parts = undefined;
    if (!latest) {
      const [stats, dead] = await Promise.all([
        get<{ watermark: number | null; late: number; activeWindows: number; emitDelayP99Ms: number }>('/v1/stats'),
        get<{ total: number; byReason: Record<string, { count: number }> }>('/v1/dead-letters'),
      ]);
      latest = {
        atMs: Date.now(),
        readingsPerSec: 0,
        watermarkLagMs: null,
        late: stats.late,
        activeWindows: stats.activeWindows,
        emitDelayP99Ms: stats.emitDelayP99Ms,
        deadLetters: {
          total: dead.total,
          byReason: Object.fromEntries(Object.entries(dead.byReason).map(([k, v]) => [k, v.count])),
        },
        lateDrops: { recentLate: 0, recentRatio: 0, abnormal: false },
        sources: [],
      };
    }
    draw();
  },
  update(event, data) {
    if (event !== 'health') return;
    latest = data as Health;
    history.push({ at: Date.now(), rate: latest.readingsPerSec });
    if (history.length > HISTORY) history.shift();
    if (root?.isConnected) draw();
  },
};
