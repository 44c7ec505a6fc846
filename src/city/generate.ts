// A deterministic city generator: a street grid with signalized intersections and corridors, feeders with DR resources, bins around depots.
import { Rng } from '../random.js';
import { generateIntersection } from './generate-intersection.js';
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

function generateResource(rng: Rng, id: string): DrResource {
  const sensor = `dr-${id}`;
  const roll = rng.float();
  if (roll < 0.2) {
    const powerKW = round(rng.range(100, 1000), 10);
    return {
      id,
      sensor,
      type: 'battery',
      powerKW,
      energyKWh: round(powerKW * rng.range(2, 4), 10),
      soc: round(rng.range(0.4, 0.9), 0.01),
      socMin: 0.1,
      socMax: 0.95,
      roundTripEfficiency: round(rng.range(0.85, 0.92), 0.01),
      costPerKWh: round(rng.range(0.02, 0.06), 0.001),
      rampKWPerMinute: powerKW,
      maxEventsPerDay: 2,
    };
  }
  if (roll < 0.55) {
    const shedKW = round(rng.range(50, 400), 5);
    return {
      id,
      sensor,
      type: 'hvac',
      shedKW,
      maxDurationMinutes: rng.pick([60, 120, 180, 240]),
      reboundFraction: round(rng.range(0.3, 0.8), 0.05),
      reboundMinutes: rng.pick([30, 60, 90]),
      costPerKWh: round(rng.range(0.05, 0.15), 0.001),
      costPerCall: round(rng.range(5, 30), 1),
      rampKWPerMinute: round(shedKW / 5, 1),
      availability: [{ start: '10:00', end: '21:00', days: [1, 2, 3, 4, 5] }],
      maxEventsPerDay: 1,
      maxEventsPerSeason: 20,
    };
  }
  if (roll < 0.8) {
    const maxChargeKW = round(rng.range(50, 500), 10);
    return {
      id,
      sensor,
      type: 'ev',
      maxChargeKW,
      shiftableKWh: round(maxChargeKW * rng.range(1, 3), 10),
      deadline: rng.pick(['06:00', '07:00', '08:00']),
      costPerKWh: round(rng.range(0.03, 0.08), 0.001),
      rampKWPerMinute: maxChargeKW,
      maxEventsPerDay: 2,
    };
  }
  const minKW = round(rng.range(200, 1000), 10);
  return {
    id,
    sensor,
    type: 'industrial',
    minKW,
    maxKW: minKW + round(rng.range(300, 2000), 10),
    noticeMinutes: rng.pick([30, 60, 120]),
    minRunMinutes: rng.pick([30, 60, 120]),
    costPerKWh: round(rng.range(0.1, 0.3), 0.001),
    costPerCall: round(rng.range(50, 300), 1),
    rampKWPerMinute: round(rng.range(50, 200), 10),
    availability: [{ start: '08:00', end: '18:00', days: [1, 2, 3, 4, 5] }],
    maxEventsPerDay: 1,
    maxEventsPerSeason: 15,
  };
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
