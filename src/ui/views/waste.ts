// Waste contractor: its depots' routes on the map (a colour per truck, stops numbered), the stop table, bins with
// forecast fill and overflow risk, and the routes as GeoJSON or GPX.
import { ApiError, download, get, maybe } from '../api.js';
import { PALETTE } from '../chart.js';
import { fmt, h, pct, s, table } from '../dom.js';
import { pickerView } from '../picker-view.js';
import { mapSvg, projection, ramp } from '../map.js';
import type { View, WindowRow } from '../view.js';

interface Stop {
  kind: string;
  id: string;
  arrival: number;
  loadKg: number;
}
interface RouteAnswer {
  depot: string;
  date: string;
  version: number;
  frozen: boolean;
  bins: { id: string; fill: number; forecastFill: number; forecast: string; mustCollect: boolean }[];
  overflowRisk: string[];
  plan: {
    trucks: { truck: string; distanceKm: number; trips: number; stops: Stop[] }[];
    unassigned: { bin: string; reason: string }[];
  };
}
interface Feature {
  geometry: { type: 'LineString'; coordinates: [number, number][] } | { type: 'Point'; coordinates: [number, number] };
  properties: Record<string, string | number>;
}

const clock = (min: number) =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(Math.round(min % 60)).padStart(2, '0')}`;

async function depotsOf(): Promise<string[]> {
  const d = await get<{ items: { id: string }[] }>('/v1/city/depots');
  return d.items.map((x) => x.id);
}

/** The routes of a depot's next service date; undefined while its bins' fill forecasts are not ready. */
const nextRoutes = (depot: string) => maybe<RouteAnswer>(`/v1/routes/depots/${depot}/next`);

function routeMap(geo: { features: Feature[] }, trucks: string[]): SVGElement {
  const points = geo.features
    .flatMap((f) => (f.geometry.type === 'Point' ? [f.geometry.coordinates] : f.geometry.coordinates))
    .map(([lon, lat]) => ({ lat, lon }));
  const proj = projection(points);
  const svg = mapSvg(proj, `Routes of ${trucks.length} trucks`);
  svg.id = 'route-map';
  const colorOf = (truck: string) => PALETTE[trucks.indexOf(truck) % PALETTE.length];
  for (const f of geo.features) {
    if (f.geometry.type !== 'LineString') continue;
    const d = f.geometry.coordinates
      .map(([lon, lat], i) => `${i ? 'L' : 'M'}${proj.x({ lat, lon }).toFixed(1)},${proj.y({ lat, lon }).toFixed(1)}`)
      .join('');
    svg.append(
      s(
        'path',
        {
          d,
          fill: 'none',
          stroke: colorOf(String(f.properties.truck)),
          'stroke-width': 2,
          'data-truck': String(f.properties.truck),
        },
        s('title', {}, String(f.properties.truck)),
      ),
    );
  }
  for (const f of geo.features) {
    if (f.geometry.type !== 'Point') continue;
    const [lon, lat] = f.geometry.coordinates;
    const x = proj.x({ lat, lon });
    const y = proj.y({ lat, lon });
    const p = f.properties;
    if (p.kind === 'unassigned') {
      svg.append(
        s(
          'circle',
          { cx: x, cy: y, r: 4, fill: 'none', stroke: '#d62728' },
          s('title', {}, `${p.id}: not routed (${p.reason})`),
        ),
      );
    } else if (p.kind === 'bin') {
      svg.append(
        s(
          'circle',
          { cx: x, cy: y, r: 4, fill: colorOf(String(p.truck)) },
          s('title', {}, `${p.truck} stop ${p.seq}: ${p.id} at ${p.arrival}`),
        ),
      );
      svg.append(s('text', { x: x + 5, y: y - 3, class: 'stop-no' }, String(p.seq)));
    } else {
      svg.append(
        s('rect', { x: x - 5, y: y - 5, width: 10, height: 10, fill: '#333' }, s('title', {}, `${p.kind} ${p.id}`)),
      );
    }
  }
  trucks.forEach((t, i) =>
    svg.append(
      s('rect', { x: 10, y: 10 + i * 18, width: 12, height: 12, fill: colorOf(t) }),
      s('text', { x: 28, y: 21 + i * 18 }, t),
    ),
  );
  return svg;
}

export const wasteRoutes = pickerView(
  { id: 'routes', title: 'Routes', roles: ['waste-contractor', 'operator'] },
  {
    heading: 'Collection routes',
    item: 'depot',
    list: async () => ({ ids: await depotsOf(), listing: undefined }),
    async show(depot, body) {
      const a = await nextRoutes(depot);
      if (!a) {
        body.replaceChildren(h('p', {}, `No routes for ${depot} yet (the bins' fill forecasts are not ready).`));
        return;
      }
      const geo = await get<{ features: Feature[] }>(`/v1/routes/depots/${depot}/${a.date}?format=geojson`);
      const trucks = a.plan.trucks.map((t) => t.truck);
      const stops = a.plan.trucks.flatMap((t) =>
        t.stops.map((st, i) => [t.truck, String(i), st.kind, st.id, clock(st.arrival), fmt(st.loadKg, 0)]),
      );
      const message = h('p', { role: 'status' });
      const dl = (format: 'geojson' | 'gpx') => () =>
        download(
          `/v1/routes/depots/${depot}/${a.date}?format=${format}`,
          `${depot}-${a.date}.${format === 'gpx' ? 'gpx' : 'geojson'}`,
        ).catch((err: unknown) => {
          message.textContent = err instanceof ApiError ? err.detail : String(err);
        });
      body.replaceChildren(
        h(
          'p',
          {},
          `Service date ${a.date} (version ${a.version}${a.frozen ? ', frozen: the shift has started' : ''}); ${a.plan.unassigned.length} bins not routed, ${a.overflowRisk.length} at risk of overflowing.`,
        ),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', onclick: dl('geojson') }, 'Download GeoJSON'),
          h('button', { type: 'button', onclick: dl('gpx') }, 'Download GPX'),
          message,
        ),
        h('div', { class: 'map-wrap' }, routeMap(geo, trucks)),
        table(
          'Trucks',
          ['truck', 'stops', 'bins', 'trips', 'distance (km)'],
          a.plan.trucks.map((t) => [
            t.truck,
            h('span', { 'data-stops-of': t.truck }, String(t.stops.length)),
            String(t.stops.filter((x) => x.kind === 'bin').length),
            String(t.trips),
            fmt(t.distanceKm),
          ]),
          { id: 'trucks' },
        ),
        table('Stops in order', ['truck', 'order', 'kind', 'id', 'arrival', 'load after (kg)'], stops, { id: 'stops' }),
      );
    },
  },
);

const fills = new Map<string, HTMLElement>();

export const wasteBins: View = {
  id: 'bins',
  title: 'Bins',
  roles: ['waste-contractor', 'operator'],
  async render(_who, root) {
    const depots = await depotsOf();
    const [current, ...answers] = await Promise.all([
      get<{ results: WindowRow[] }>('/v1/windows/bin-fill-latest/current?limit=10000'),
      ...depots.map(nextRoutes),
    ]);
    const now = new Map(current.results.map((r) => [r.key, r.values.last]));
    fills.clear();
    const rows = answers.flatMap((a) =>
      !a
        ? []
        : a.bins.map((b) => {
            const cell = h('span', { 'data-fill-of': b.id }, pct(now.get(b.id)));
            fills.set(b.id, cell);
            return [
              b.id,
              a.depot,
              cell,
              pct(b.fill),
              pct(b.forecastFill),
              b.mustCollect ? 'yes' : 'no',
              a.overflowRisk.includes(b.id) ? h('strong', { class: 'risk' }, 'overflow risk') : '',
            ];
          }),
    );
    root.append(
      h('h1', {}, 'Bins'),
      h(
        'p',
        {},
        'Fill now (latest reading), expected at the next shift start, and the upper 80 % forecast by the following service day if skipped.',
      ),
      table(
        'Bins of your depots',
        [
          'bin',
          'depot',
          'fill now',
          'fill at shift start',
          'forecast fill next service day',
          'must collect',
          'overflow',
        ],
        rows,
        { id: 'bins' },
      ),
    );
  },
  update(event, data) {
    if (event !== 'results') return;
    for (const r of data as WindowRow[]) {
      if (r.operator !== 'bin-fill-latest') continue;
      const cell = fills.get(r.key);
      if (cell) {
        cell.textContent = pct(r.values.last);
        cell.style.color = ramp(r.values.last);
      }
    }
  },
};
