// Operator: the city map, its intersections, bins, depots coloured by live state, and the feeders with their DR resources.
import { get } from '../api.js';
import { h, pct, s } from '../dom.js';
import { legend, mapSvg, projection, ramp, type Point } from '../map.js';
import type { View, WindowRow } from '../view.js';

interface City {
  name: string;
  intersections: { id: string; name: string; location: Point }[];
  feeders: { id: string; capacityKW: number; resources: { id: string; type: string }[] }[];
  waste: {
    depots: { id: string; name: string; location: Point }[];
    bins: { id: string; location: Point; depot: string }[];
  };
}

interface Current {
  results: WindowRow[];
}

/** Vehicles per hour an intersection's colour saturates at (the sum of its lane groups' 5-minute flows, scaled). */
const FULL_FLOW_VEH_PER_HOUR = 3000;

const bins = new Map<string, SVGElement>();
const intersections = new Map<string, { el: SVGElement; flows: Map<string, number> }>();
const feeders = new Map<string, { el: HTMLElement; capacityKW: number }>();
const resources = new Map<string, HTMLElement>();

function setBin(id: string, fill: number | null): void {
  const el = bins.get(id);
  if (!el || fill === null) return;
  el.setAttribute('fill', ramp(fill));
  el.setAttribute('data-fill', String(Math.round(fill * 100)));
  el.querySelector('title')!.textContent = `${id}: fill ${pct(fill)}`;
}

function setLaneGroupFlow(key: string, sum: number | null): void {
  const [x, lg] = key.split('/');
  const it = intersections.get(x);
  if (!it || sum === null) return;
  it.flows.set(lg, sum);
  const vehPerHour = [...it.flows.values()].reduce((a, b) => a + b, 0) * 12;
  it.el.setAttribute('fill', ramp(vehPerHour / FULL_FLOW_VEH_PER_HOUR));
  it.el.setAttribute('data-flow', String(Math.round(vehPerHour)));
  it.el.querySelector('title')!.textContent = `${x}: ${Math.round(vehPerHour)} veh/h detected`;
}

function setFeeder(id: string, kw: number | null): void {
  const f = feeders.get(id);
  if (!f || kw === null) return;
  f.el.style.borderLeftColor = ramp(kw / f.capacityKW);
  f.el.dataset.kw = String(Math.round(kw));
  f.el.querySelector('.value')!.textContent = `${Math.round(kw)} kW (${pct(kw / f.capacityKW)})`;
}

function setResource(id: string, kw: number | null): void {
  const el = resources.get(id);
  if (!el || kw === null) return;
  el.classList.toggle('active', kw > 0);
  el.title = `${id}: ${Math.round(kw)} kW in its last session`;
}

function apply(rows: WindowRow[]): void {
  for (const r of rows) {
    if (r.operator === 'bin-fill-latest') setBin(r.key, r.values.last);
    else if (r.operator === 'lane-group-flow-5m') setLaneGroupFlow(r.key, r.values.sum);
    else if (r.operator === 'feeder-kw-30m') setFeeder(r.key, r.values.mean);
    else if (r.operator === 'dr-kw-sessions') setResource(r.key, r.values.mean);
  }
}

export const operatorMap: View = {
  id: 'map',
  title: 'City map',
  roles: ['operator'],
  async render(_who, root) {
    const [{ city }, ...current] = await Promise.all([
      get<{ city: City }>('/v1/city'),
      ...['bin-fill-latest', 'lane-group-flow-5m', 'feeder-kw-30m', 'dr-kw-sessions'].map((op) =>
        get<Current>(`/v1/windows/${op}/current?limit=10000`),
      ),
    ]);
    bins.clear();
    intersections.clear();
    feeders.clear();
    resources.clear();
    const points = [
      ...city.intersections.map((x) => x.location),
      ...city.waste.bins.map((b) => b.location),
      ...city.waste.depots.map((d) => d.location),
    ];
    const proj = projection(points);
    const svg = mapSvg(proj, `Map of ${city.name}: intersections, bins and depots`);
    svg.id = 'city-map';
    const binLayer = s('g', { class: 'bins' });
    for (const b of city.waste.bins) {
      const el = s(
        'circle',
        {
          cx: proj.x(b.location).toFixed(1),
          cy: proj.y(b.location).toFixed(1),
          r: 3,
          fill: ramp(null),
          'data-bin': b.id,
        },
        s('title', {}, `${b.id}: no reading yet`),
      );
      bins.set(b.id, el);
      binLayer.append(el);
    }
    const xLayer = s('g', { class: 'intersections' });
    for (const x of city.intersections) {
      const cx = proj.x(x.location);
      const cy = proj.y(x.location);
      const el = s(
        'rect',
        {
          x: (cx - 6).toFixed(1),
          y: (cy - 6).toFixed(1),
          width: 12,
          height: 12,
          fill: ramp(null),
          stroke: '#222',
          'data-intersection': x.id,
        },
        s('title', {}, `${x.id} ${x.name}`),
      );
      intersections.set(x.id, { el, flows: new Map() });
      xLayer.append(el);
    }
    const depotLayer = s('g', { class: 'depots' });
    for (const d of city.waste.depots) {
      depotLayer.append(
        s(
          'path',
          { d: `M${proj.x(d.location)},${proj.y(d.location) - 9}l8,14h-16z`, fill: '#333', 'data-depot': d.id },
          s('title', {}, d.name),
        ),
      );
    }
    svg.append(
      binLayer,
      xLayer,
      depotLayer,
      legend([
        [ramp(0), 'low (bin fill %, veh/h, feeder load)'],
        [ramp(0.5), 'half'],
        [ramp(1), 'full / at capacity'],
        [ramp(null), 'no data'],
      ]),
    );
    const feederPanel = h('div', {
      class: 'feeders',
      role: 'list',
      'aria-label': 'Feeders by load, with their DR resources',
    });
    for (const f of city.feeders) {
      const dots = h('div', { class: 'resources' });
      for (const r of f.resources) {
        const el = h('span', { class: `resource ${r.type}`, title: `${r.id} (${r.type})`, 'data-resource': r.id });
        resources.set(r.id, el);
        dots.append(el);
      }
      const el = h(
        'div',
        { class: 'feeder', role: 'listitem', 'data-feeder': f.id },
        h('strong', {}, f.id),
        h('span', { class: 'value' }, `no reading (cap ${f.capacityKW} kW)`),
        dots,
      );
      feeders.set(f.id, { el, capacityKW: f.capacityKW });
      feederPanel.append(el);
    }
    for (const c of current) apply(c.results);
    svg.setAttribute('data-state', 'ready');
    root.append(
      h('h1', {}, `${city.name}: live state`),
      h(
        'p',
        { class: 'hint' },
        'Bins coloured by fill, intersections by detected flow (veh/h), feeders by load against capacity; DR resources dark while their last session delivered power.',
      ),
      h('div', { class: 'map-wrap' }, svg),
      h('h2', {}, 'Feeders and DR resources'),
      feederPanel,
    );
  },
  update(event, data) {
    if (event === 'results') apply(data as WindowRow[]);
  },
};
