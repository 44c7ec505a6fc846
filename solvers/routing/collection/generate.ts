// A deterministic synthetic collection day (bins around one depot, two disposal sites) for benchmarks and tests.
import { Rng } from '../rng.js';
import type { CollectionBin, CollectionRequest, CollectionTruck, LatLon } from './types.js';

const CENTRE: LatLon = { lat: 52.37, lon: 4.9 };
const VOLUMES = [240, 240, 360, 660, 1100, 3000];

function offset(north: number, east: number): LatLon {
  return {
    lat: CENTRE.lat + north / 111_320,
    lon: CENTRE.lon + east / (111_320 * Math.cos((CENTRE.lat * Math.PI) / 180)),
  };
}

export function generateCollectionDay(opts: {
  bins: number;
  trucks: number;
  seed: number;
  windowShare?: number;
}): CollectionRequest {
  const rng = new Rng(opts.seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const bins: CollectionBin[] = [];
  for (let i = 0; i < opts.bins; i++) {
    const fill = 0.1 + 0.85 * rng.next();
    const windowed = rng.next() < (opts.windowShare ?? 0.1);
    bins.push({
      id: `bin-${i + 1}`,
      location: offset(1500 * normal(), 1500 * normal()),
      volumeL: VOLUMES[rng.int(VOLUMES.length)],
      densityKgPerM3: 80 + Math.round(120 * rng.next()),
      serviceSeconds: 40 + rng.int(60),
      threshold: 0.75 + 0.1 * rng.next(),
      fill,
      forecastFill: fill + 0.05 + 0.35 * rng.next(),
      ...(windowed ? { timeWindow: { start: 360, end: 600 } } : {}),
    });
  }
  const trucks: CollectionTruck[] = [];
  for (let t = 0; t < opts.trucks; t++)
    trucks.push({
      id: `truck-${t + 1}`,
      capacityM3: 40 + rng.int(20),
      capacityKg: 9000 + 100 * rng.int(30),
      shiftMinutes: 540,
    });
  return {
    depot: { id: 'depot', location: offset(0, 0) },
    disposalSites: [
      { id: 'landfill-south', location: offset(-7000, 1500), unloadMinutes: 20 },
      { id: 'transfer-west', location: offset(500, -6500), unloadMinutes: 15 },
    ],
    trucks,
    bins,
    shiftStart: 360,
  };
}
