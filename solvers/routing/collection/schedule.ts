// Timing of one truck's day: depot, trips of bins each closed by a disposal-site visit, back to the depot.
import type { Travel } from './travel.js';
import type { CollectionBin, CollectionTruck, DisposalSite, LatLon, PlannedStop } from './types.js';

/** The plan's node table: index 0 is the depot, then disposal sites, then bins. */
export interface Nodes {
  readonly depot: { id: string; location: LatLon };
  readonly site: DisposalSite;
  readonly siteNode: number;
  readonly bins: readonly CollectionBin[];
  /** Node index of bins[i]. */
  readonly binNode: (i: number) => number;
  readonly travel: Travel;
}

export interface TruckDay {
  readonly stops: PlannedStop[];
  readonly durationMinutes: number;
  readonly distanceKm: number;
  /** Indices (into Nodes.bins) of bins reached after their time window closed. */
  readonly late: number[];
}

export function binLoad(b: CollectionBin): { m3: number; kg: number } {
  const m3 = (b.fill * b.volumeL) / 1000;
  return { m3, kg: m3 * b.densityKgPerM3 };
}

/** Simulates the truck driving `trips` (lists of bin indices) in order from `start` (minutes after midnight). */
export function simulateDay(
  nodes: Nodes,
  truck: CollectionTruck,
  trips: readonly (readonly number[])[],
  start: number,
): TruckDay {
  const { travel } = nodes;
  const size = travel.size;
  const stops: PlannedStop[] = [];
  const late: number[] = [];
  let at = 0;
  let t = start;
  let km = 0;
  let m3 = 0;
  let kg = 0;
  const drive = (to: number): void => {
    t += travel.minutes[at * size + to];
    km += travel.km[at * size + to];
    at = to;
  };
  // The day starts and ends at the depot, empty.
  const atDepot = (): void => {
    stops.push({
      kind: 'depot',
      id: nodes.depot.id,
      location: nodes.depot.location,
      arrival: t,
      departure: t,
      loadM3: 0,
      loadKg: 0,
    });
  };
  atDepot();
  for (const trip of trips) {
    for (const i of trip) {
      const bin = nodes.bins[i];
      drive(nodes.binNode(i));
      const arrival = t;
      if (bin.timeWindow && arrival > bin.timeWindow.end) late.push(i);
      if (bin.timeWindow && t < bin.timeWindow.start) t = bin.timeWindow.start;
      t += bin.serviceSeconds / 60;
      const load = binLoad(bin);
      m3 += load.m3;
      kg += load.kg;
      stops.push({ kind: 'bin', id: bin.id, location: bin.location, arrival, departure: t, loadM3: m3, loadKg: kg });
    }
    drive(nodes.siteNode);
    const arrival = t;
    t += nodes.site.unloadMinutes;
    m3 = 0;
    kg = 0;
    stops.push({
      kind: 'disposal',
      id: nodes.site.id,
      location: nodes.site.location,
      arrival,
      departure: t,
      loadM3: 0,
      loadKg: 0,
    });
  }
  drive(0);
  atDepot();
  return { stops, durationMinutes: t - start, distanceKm: km, late };
}
