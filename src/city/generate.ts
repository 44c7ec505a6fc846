// A deterministic city generator: a street grid with signalized intersections and corridors, feeders with DR resources, bins around depots.
import { Rng } from '../random.js';
import { generateIntersection } from './generate-intersection.js';
import { generateResource } from './generate-resource.js';
import { offset } from './geo.js';
import { generateWaste } from './generate-waste.js';
import type { City, Corridor, DrResource, Feeder, Intersection, WeatherStation } from './schema.js';

export interface GenerateCityOptions {
  seed: number;
  intersections?: number;
  feeders?: number;
  resourcesPerFeeder?: number;
  bins?: number;
  depots?: number;
  trucksPerDepot?: number;
  weatherStations?: number;
}

export const GENERATE_DEFAULTS = {
  intersections: 48,
  feeders: 20,
  resourcesPerFeeder: 10,
  bins: 1000,
  depots: 4,
  trucksPerDepot: 6,
  weatherStations: 3,
} as const;

/** Block spacing of the street grid. */
export const GRID_SPACING_M = 450;
/** US federal holidays on which traffic follows the weekend pattern. */
const HOLIDAYS = [
  '2025-01-01',
  '2025-05-26',
  '2025-07-04',
  '2025-09-01',
  '2025-11-27',
  '2025-12-25',
  '2026-01-01',
  '2026-05-25',
  '2026-07-03',
  '2026-09-07',
  '2026-11-26',
  '2026-12-25',
  '2027-01-01',
  '2027-05-31',
  '2027-07-05',
  '2027-09-06',
  '2027-11-25',
  '2027-12-24',
];

function round(x: number, step: number): number {
  return Math.round(x / step) * step;
}

function generateGrid(rng: Rng, n: number): { intersections: Intersection[]; corridors: Corridor[] } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n * 1.3)));
  const rows = Math.ceil(n / cols);
  const intersections: Intersection[] = [];
  const at = new Map<string, Intersection>();
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const x = generateIntersection(rng, {
      id: `int-${String(i + 1).padStart(3, '0')}`,
      name: `Avenue ${c + 1} & Street ${r + 1}`,
      location: offset((rows / 2 - r) * GRID_SPACING_M, (c - cols / 2) * GRID_SPACING_M),
      northSouthMajor: c % 3 === 1,
      eastWestMajor: r % 3 === 1,
    });
    intersections.push(x);
    at.set(`${r},${c}`, x);
  }
  const corridors: Corridor[] = [];
  const addCorridor = (id: string, name: string, chain: Intersection[], speedKmh: number): void => {
    if (chain.length < 2) return;
    const travel = chain.slice(1).map(() => round(GRID_SPACING_M / ((speedKmh / 3.6) * rng.range(0.75, 0.95)), 0.1));
    corridors.push({
      id,
      name,
      intersections: chain.map((x) => x.id),
      linkTravelTimesS: travel,
      linkTravelTimesBackS: travel.map((t) => round(t * rng.range(0.95, 1.1), 0.1)),
    });
  };
  for (let r = 1; r < rows; r += 3) {
    const chain = [...Array(cols).keys()]
      .map((c) => at.get(`${r},${c}`))
      .filter((x): x is Intersection => x !== undefined);
    addCorridor(`cor-street-${r + 1}`, `Street ${r + 1} eastbound`, chain, 50);
  }
  for (let c = 1; c < cols; c += 3) {
    const chain = [...Array(rows).keys()]
      .map((r) => at.get(`${r},${c}`))
      .filter((x): x is Intersection => x !== undefined);
    addCorridor(`cor-avenue-${c + 1}`, `Avenue ${c + 1} southbound`, chain, 50);
  }
  return { intersections, corridors };
}

function generateFeeders(rng: Rng, n: number, perFeeder: number, stations: WeatherStation[]): Feeder[] {
  const feeders: Feeder[] = [];
  for (let f = 0; f < n; f++) {
    const id = `fdr-${String(f + 1).padStart(3, '0')}`;
    const resources: DrResource[] = [];
    for (let k = 0; k < perFeeder; k++)
      resources.push(generateResource(rng, `${id}-r${String(k + 1).padStart(2, '0')}`));
    feeders.push({
      id,
      substation: `sub-${Math.floor(f / 4) + 1}`,
      capacityKW: round(rng.range(4000, 12000), 100),
      meterSensor: `meter-${id}`,
      weatherStation: stations[f % stations.length].id,
      resources,
    });
  }
  return feeders;
}

/** A realistic city; the same options always give the same city. */
export function generateCity(options: GenerateCityOptions): City {
  const o = { ...GENERATE_DEFAULTS, ...options };
  const rng = new Rng(o.seed, 1);
  const { intersections, corridors } = generateGrid(rng, o.intersections);
  const weatherStations: WeatherStation[] = [];
  for (let s = 0; s < o.weatherStations; s++) {
    const angle = (2 * Math.PI * s) / o.weatherStations;
    weatherStations.push({
      id: `wx-${s + 1}`,
      location: offset(2500 * Math.sin(angle), 2500 * Math.cos(angle)),
      sensor: `wx-${s + 1}-temp`,
    });
  }
  return {
    id: `city-${o.seed}`,
    name: 'Lakeport',
    timezone: 'America/Chicago',
    holidays: HOLIDAYS,
    weatherStations,
    intersections,
    corridors,
    feeders: generateFeeders(rng, o.feeders, o.resourcesPerFeeder, weatherStations),
    waste: generateWaste(rng, { bins: o.bins, depots: o.depots, trucksPerDepot: o.trucksPerDepot }),
  };
}
