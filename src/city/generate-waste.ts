// Generates the waste side of a city: contractors, depots, disposal sites, trucks, and bins clustered around their depots.
import type { Rng } from '../random.js';
import { offset } from './geo.js';
import type { Bin, Depot, DisposalSite, Truck, Waste } from './schema.js';

export interface WasteSpec {
  bins: number;
  depots: number;
  trucksPerDepot: number;
}

const CONTRACTORS = [
  { id: 'cleanway', name: 'CleanWay Services' },
  { id: 'metro-waste', name: 'Metro Waste Co.' },
];

const BIN_TYPES = [
  { volumeL: 240, serviceSeconds: 40, weight: 0.35 },
  { volumeL: 360, serviceSeconds: 45, weight: 0.2 },
  { volumeL: 660, serviceSeconds: 60, weight: 0.2 },
  { volumeL: 1100, serviceSeconds: 90, weight: 0.2 },
  { volumeL: 3000, serviceSeconds: 180, weight: 0.05 },
];

function binType(rng: Rng): (typeof BIN_TYPES)[number] {
  let u = rng.float();
  for (const t of BIN_TYPES) {
    if (u < t.weight) return t;
    u -= t.weight;
  }
  return BIN_TYPES[0];
}

export function generateWaste(rng: Rng, spec: WasteSpec): Waste {
  const depots: Depot[] = [];
  const centres: [number, number][] = [];
  for (let d = 0; d < spec.depots; d++) {
    const angle = (2 * Math.PI * (d + 0.5)) / spec.depots;
    const north = 1800 * Math.sin(angle);
    const east = 1800 * Math.cos(angle);
    centres.push([north, east]);
    depots.push({
      id: `depot-${d + 1}`,
      name: `Depot ${d + 1}`,
      location: offset(north, east),
      contractor: CONTRACTORS[d % CONTRACTORS.length].id,
    });
  }
  const disposalSites: DisposalSite[] = [
    { id: 'landfill-south', name: 'South Landfill', location: offset(-7000, 1500), unloadMinutes: 20 },
    { id: 'transfer-west', name: 'West Transfer Station', location: offset(500, -6500), unloadMinutes: 15 },
  ];
  const trucks: Truck[] = [];
  for (const depot of depots) {
    for (let t = 0; t < spec.trucksPerDepot; t++) {
      trucks.push({
        id: `${depot.id}-truck-${t + 1}`,
        depot: depot.id,
        capacityM3: Math.round(rng.range(40, 60)),
        capacityKg: Math.round(rng.range(9000, 12000) / 100) * 100,
        shiftMinutes: rng.pick([480, 540, 600]),
      });
    }
  }
  const bins: Bin[] = [];
  for (let b = 0; b < spec.bins; b++) {
    const d = b % spec.depots;
    const [north, east] = centres[d];
    const dn = 1100 * rng.normal();
    const de = 1100 * rng.normal();
    const sector = (Math.floor(((Math.atan2(dn, de) + Math.PI) / (2 * Math.PI)) * 4) % 4) + 1;
    const type = binType(rng);
    const commercial = rng.float() < 0.1;
    const id = `bin-${String(b + 1).padStart(4, '0')}`;
    bins.push({
      id,
      location: offset(north + dn, east + de),
      volumeL: type.volumeL,
      sensor: `fill-${id}`,
      depot: depots[d].id,
      area: `${depots[d].id}-area-${sector}`,
      threshold: Math.round(rng.range(0.75, 0.85) * 100) / 100,
      densityKgPerM3: Math.round(rng.range(80, 200)),
      serviceSeconds: type.serviceSeconds,
      ...(commercial ? { timeWindow: { start: '06:00', end: '10:00' } } : {}),
    });
  }
  return {
    contractors: CONTRACTORS.slice(0, Math.min(CONTRACTORS.length, spec.depots)),
    depots,
    disposalSites,
    trucks,
    bins,
  };
}
