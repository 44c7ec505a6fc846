// Traffic center: a corridor's time-space diagram, each signal's coordinated green and the outbound green band through them.
import { get, maybe } from '../api.js';
import { fmt, h, s, table } from '../dom.js';
import { pickerView } from '../picker-view.js';
import { INTERVAL_COLORS, type SignalPlan } from './traffic-intersection.js';

interface CorridorPlan {
  corridorId: string;
  cycleTime: number;
  outboundBandwidth: number;
  inboundBandwidth: number;
  plans: SignalPlan[];
}

/** The coordinated green of each signal: from its offset (master time), as long as the coordinated phase's green. */
function greens(plan: CorridorPlan): { start: number; length: number }[] {
  return plan.plans.map((p) => {
    const coord = p.phases.find((q) => q.phase === p.pattern.coordPhase);
    return { start: p.pattern.offsetTime, length: coord?.green ?? 0 };
  });
}

/**
 * The widest outbound band: departure times t at the first signal such that t + T[i] falls in every green (mod the
 * cycle); its leading edge is at some green's start, so trying each is exact (as the corridor planner measures it).
 */
export function outboundBand(
  cycle: number,
  g: { start: number; length: number }[],
  T: number[],
): { start: number; width: number } {
  const mod = (v: number) => ((v % cycle) + cycle) % cycle;
  let best = { start: 0, width: 0 };
  for (let k = 0; k < g.length; k++) {
    const t0 = mod(g[k].start - T[k]);
    let width = Infinity;
    for (let i = 0; i < g.length && width > 0; i++) {
      let u = mod(t0 + T[i] - g[i].start);
      if (cycle - u < 1e-9) u = 0;
      width = Math.min(width, u <= g[i].length + 1e-9 ? g[i].length - u : 0);
    }
    if (width > best.width) best = { start: t0, width };
  }
  return best;
}

function diagram(plan: CorridorPlan, names: string[], T: number[]): SVGElement {
  const C = plan.cycleTime;
  const span = 2 * C + Math.max(...T);
  const W = 860;
  const left = 90;
  const top = 20;
  const H = 60 + 50 * names.length;
  const maxT = Math.max(...T, 1);
  const x = (t: number) => left + (t / span) * (W - left - 10);
  const y = (d: number) => top + (H - top - 50) * (1 - d / maxT);
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'timing',
    role: 'img',
    'aria-label': `Time-space diagram of ${plan.corridorId}`,
  });
  const g = greens(plan);
  names.forEach((name, i) => {
    const yy = y(T[i]);
    svg.append(s('text', { x: 4, y: yy + 4 }, name));
    svg.append(s('rect', { x: x(0), y: yy - 3, width: x(span) - x(0), height: 6, fill: INTERVAL_COLORS.red }));
    for (let k = -1; k * C < span; k++) {
      const a = Math.max(0, g[i].start + k * C);
      const b = Math.min(span, g[i].start + k * C + g[i].length);
      if (b > a)
        svg.append(
          s('rect', {
            x: x(a),
            y: yy - 3,
            width: x(b) - x(a),
            height: 6,
            fill: INTERVAL_COLORS.green,
            'data-green-of': name,
          }),
        );
    }
  });
  const band = outboundBand(C, g, T);
  if (band.width > 0) {
    for (let k = 0; band.start + k * C < span; k++) {
      const t0 = band.start + k * C;
      const last = T.length - 1;
      svg.append(
        s('polygon', {
          points: `${x(t0)},${y(0)} ${x(t0 + band.width)},${y(0)} ${x(t0 + band.width + T[last])},${y(T[last])} ${x(t0 + T[last])},${y(T[last])}`,
          fill: 'rgba(31,119,180,0.25)',
          stroke: '#1f77b4',
          class: 'band',
        }),
      );
    }
  }
  const axisY = H - 30;
  for (let t = 0; t <= span; t += 30) svg.append(s('text', { x: x(t), y: axisY, class: 'tick' }, String(t)));
  svg.append(s('text', { x: W - 170, y: axisY + 16, class: 'tick' }, 'time (s); distance as travel time'));
  svg.append(
    s('rect', { x: left, y: axisY + 6, width: 12, height: 12, fill: INTERVAL_COLORS.green }),
    s('text', { x: left + 16, y: axisY + 16 }, 'coordinated green'),
    s('rect', { x: left + 170, y: axisY + 6, width: 12, height: 12, fill: INTERVAL_COLORS.red }),
    s('text', { x: left + 186, y: axisY + 16 }, 'red'),
    s('rect', { x: left + 240, y: axisY + 6, width: 12, height: 12, fill: 'rgba(31,119,180,0.25)' }),
    s('text', { x: left + 256, y: axisY + 16 }, `outbound band ${fmt(band.width)} s`),
  );
  return svg;
}

export const trafficCorridors = pickerView(
  { id: 'corridors', title: 'Corridors', roles: ['traffic-center', 'operator'] },
  {
    heading: 'Corridor coordination',
    item: 'corridor',
    async list() {
      const { items } = await get<{ items: { id: string }[] }>('/v1/signals/corridors');
      return { ids: items.map((c) => c.id), listing: undefined };
    },
    async show(id, body) {
      const [answer, corridor] = await Promise.all([
        maybe<{ plan: CorridorPlan }>(`/v1/signals/corridors/${id}/plan`),
        get<{ intersections: string[]; linkTravelTimesS: number[] }>(`/v1/city/corridors/${id}`),
      ]);
      if (!answer) {
        body.replaceChildren(h('p', {}, `No plan for ${id} yet.`));
        return;
      }
      const T = [0];
      for (const t of corridor.linkTravelTimesS) T.push(T[T.length - 1] + t);
      const p = answer.plan;
      body.replaceChildren(
        h(
          'p',
          {},
          `Common cycle ${p.cycleTime} s; outbound band ${fmt(p.outboundBandwidth)} s, inbound band ${fmt(p.inboundBandwidth)} s (planner's figures).`,
        ),
        diagram(p, corridor.intersections, T),
        table(
          'Signals in corridor order',
          ['intersection', 'offset (s)', 'coordinated phase', 'travel time from first (s)', 'LOS'],
          p.plans.map((x, i) => [
            x.intersectionId,
            String(x.pattern.offsetTime),
            x.pattern.coordPhase ?? '–',
            fmt(T[i]),
            x.performance.los,
          ]),
        ),
      );
    },
  },
);
