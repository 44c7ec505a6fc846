// Traffic center: an intersection's ring-and-barrier timing diagram and lane-group performance, current and next period.
import { get, maybe } from '../api.js';
import { fmt, h, s, table, time } from '../dom.js';
import { pickerView } from '../picker-view.js';
import type { WindowRow } from '../view.js';

interface Phase {
  phase: string;
  ring: number;
  barrier: number;
  start: number;
  splitTime: number;
  green: number;
  walk: number;
  pedestrianClear: number;
  yellowChange: number;
  redClear: number;
  laneGroups: string[];
}
interface LaneGroup {
  id: string;
  phases: string[];
  flowRate: number;
  capacity: number;
  vc: number;
  controlDelay: number;
  los: string;
}
export interface SignalPlan {
  intersectionId: string;
  pattern: { cycleTime: number; offsetTime: number; coordPhase: string | null; sequence: string[][][] };
  phases: Phase[];
  performance: { controlDelay: number; los: string; maxDegreeOfSaturation: number; laneGroups: LaneGroup[] };
}
interface LivePlan {
  id: string;
  version: number;
  effectiveFromMs: number;
  effectiveUntilMs: number;
  plan: SignalPlan;
}

export const INTERVAL_COLORS = { green: '#2ca02c', yellow: '#f2c200', red: '#d62728', walk: '#1f77b4', ped: '#9ecae1' };

/** Rings as rows, time across one cycle: each phase's green, yellow and all-red, and its walk and pedestrian clearance below. */
export function ringBarrier(plan: SignalPlan, label: string): SVGElement {
  const C = plan.pattern.cycleTime;
  const W = 860;
  const left = 60;
  const rowH = 46;
  const rings = [...new Set(plan.phases.map((p) => p.ring))].sort();
  const H = 40 + rings.length * rowH + 50;
  const x = (t: number) => left + (t / C) * (W - left - 10);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'timing', role: 'img', 'aria-label': label });
  rings.forEach((ring, r) => {
    const y = 30 + r * rowH;
    svg.append(s('text', { x: 4, y: y + 18 }, `Ring ${ring}`));
    for (const p of plan.phases.filter((q) => q.ring === ring)) {
      const g = s('g', { 'data-phase': p.phase, 'data-split': String(p.splitTime) });
      let t = p.start;
      for (const [len, color, name] of [
        [p.green, INTERVAL_COLORS.green, 'green'],
        [p.yellowChange, INTERVAL_COLORS.yellow, 'yellow'],
        [p.redClear, INTERVAL_COLORS.red, 'all-red'],
      ] as const) {
        g.append(
          s(
            'rect',
            { x: x(t).toFixed(1), y, width: Math.max(0, x(t + len) - x(t)).toFixed(1), height: 24, fill: color },
            s('title', {}, `${p.phase} ${name} ${fmt(len)} s`),
          ),
        );
        t += len;
      }
      if (p.walk > 0) {
        g.append(
          s(
            'rect',
            {
              x: x(p.start).toFixed(1),
              y: y + 27,
              width: (x(p.start + p.walk) - x(p.start)).toFixed(1),
              height: 8,
              fill: INTERVAL_COLORS.walk,
            },
            s('title', {}, `${p.phase} walk ${fmt(p.walk)} s`),
          ),
        );
        g.append(
          s(
            'rect',
            {
              x: x(p.start + p.walk).toFixed(1),
              y: y + 27,
              width: (x(p.start + p.walk + p.pedestrianClear) - x(p.start + p.walk)).toFixed(1),
              height: 8,
              fill: INTERVAL_COLORS.ped,
            },
            s('title', {}, `${p.phase} pedestrian clearance ${fmt(p.pedestrianClear)} s`),
          ),
        );
      }
      g.append(s('text', { x: x(p.start) + 3, y: y + 16, class: 'phase-label' }, `${p.phase} ${p.splitTime}s`));
      svg.append(g);
    }
  });
  // Barriers: where every ring's phases of one barrier group end.
  const barriers = [...new Set(plan.phases.map((p) => p.barrier))];
  for (const b of barriers) {
    const end = Math.max(...plan.phases.filter((p) => p.barrier === b).map((p) => p.start + p.splitTime));
    svg.append(
      s('line', {
        x1: x(end),
        x2: x(end),
        y1: 20,
        y2: 30 + rings.length * rowH,
        stroke: '#000',
        'stroke-width': 2,
        'stroke-dasharray': '4 2',
      }),
    );
  }
  const axisY = 34 + rings.length * rowH;
  for (let t = 0; t <= C; t += 10) svg.append(s('text', { x: x(t), y: axisY + 8, class: 'tick' }, `${t}`));
  svg.append(s('text', { x: W - 160, y: axisY + 8, class: 'tick' }, 'time in cycle (s)'));
  const items: [string, string][] = [
    [INTERVAL_COLORS.green, 'green'],
    [INTERVAL_COLORS.yellow, 'yellow change'],
    [INTERVAL_COLORS.red, 'all-red'],
    [INTERVAL_COLORS.walk, 'walk'],
    [INTERVAL_COLORS.ped, 'ped. clearance'],
  ];
  items.forEach(([c, t], i) =>
    svg.append(
      s('rect', { x: left + i * 150, y: axisY + 22, width: 12, height: 12, fill: c }),
      s('text', { x: left + i * 150 + 16, y: axisY + 32 }, t),
    ),
  );
  return svg;
}

function planSection(title: string, a: LivePlan, tz: string): HTMLElement {
  const p = a.plan;
  return h(
    'section',
    { 'data-period': title.startsWith('Next') ? 'next' : 'current' },
    h('h2', {}, `${title}: ${time(a.effectiveFromMs, tz)} – ${time(a.effectiveUntilMs, tz)} (version ${a.version})`),
    h(
      'p',
      {},
      `Cycle ${p.pattern.cycleTime} s, offset ${p.pattern.offsetTime} s, coordinated phase ${p.pattern.coordPhase ?? 'none'}; control delay ${fmt(p.performance.controlDelay)} s/veh, LOS ${p.performance.los}, max v/c ${fmt(p.performance.maxDegreeOfSaturation, 2)}`,
    ),
    ringBarrier(p, `Ring-and-barrier diagram of ${p.intersectionId}, ${title.toLowerCase()}`),
    table(
      'Phases (seconds)',
      ['phase', 'ring', 'split', 'green', 'yellow', 'all-red', 'walk', 'ped. clear', 'lane groups'],
      p.phases.map((x) => [
        x.phase,
        x.ring,
        h('span', { 'data-split-of': x.phase }, String(x.splitTime)),
        fmt(x.green),
        fmt(x.yellowChange),
        fmt(x.redClear),
        fmt(x.walk),
        fmt(x.pedestrianClear),
        x.laneGroups.join(', '),
      ]),
      { class: 'phases' },
    ),
    table(
      'Lane groups (HCM)',
      ['lane group', 'phases', 'flow (veh/h)', 'capacity (veh/h)', 'v/c', 'control delay (s/veh)', 'LOS'],
      p.performance.laneGroups.map((g) => [
        g.id,
        g.phases.join(', '),
        fmt(g.flowRate, 0),
        fmt(g.capacity, 0),
        h('span', { 'data-vc-of': g.id }, fmt(g.vc, 2)),
        fmt(g.controlDelay),
        g.los,
      ]),
      { class: 'lane-groups' },
    ),
  );
}

type IntersectionListing = { id: string; status: string; next?: { version: number } | null }[];

export const trafficIntersections = pickerView(
  { id: 'intersections', title: 'Intersections', roles: ['traffic-center', 'operator'] },
  {
    heading: 'Signal timing',
    item: 'intersection',
    async list() {
      const { items } = await get<{ items: IntersectionListing }>('/v1/signals/intersections');
      return {
        ids: items.map((x) => x.id),
        text: (id, i) => `${id}${items[i].status === 'ready' ? '' : ' (not ready)'}`,
        first: items.find((x) => x.status === 'ready')?.id,
        listing: items,
      };
    },
    async show(id, body, listed) {
      // The next period's plan is asked for only once the listing says it is published (before that it is a 404).
      const rows = body.hasChildNodes()
        ? (await get<{ items: IntersectionListing }>('/v1/signals/intersections')).items
        : listed;
      const published = rows.find((x) => x.id === id)?.next;
      const [current, next] = await Promise.all([
        maybe<LivePlan>(`/v1/signals/intersections/${id}/plan`),
        published ? maybe<LivePlan>(`/v1/signals/intersections/${id}/plan?period=next`) : undefined,
      ]);
      const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
      body.replaceChildren(
        current ? planSection('Current period', current, tz) : h('p', {}, `No plan in effect for ${id} yet.`),
        next
          ? planSection('Next period', next, tz)
          : h('p', {}, 'The next period’s plan is published 5 minutes before it starts.'),
      );
    },
    // new counts of the intersection shown may come with a new plan (the browser's cache keeps the plan until it can
    // change); a burst of counts redraws once
    concerns: (event, data, shown) =>
      event === 'results' &&
      (data as WindowRow[]).some((r) => r.operator === 'lane-group-flow-5m' && r.key.startsWith(`${shown}/`)),
    settleMs: 2000,
  },
);
