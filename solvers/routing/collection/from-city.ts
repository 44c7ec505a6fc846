// Builds one depot's collection request from the city file's waste section and each bin's fill level and forecast.
import { inputError } from '../../../src/errors.js';
import type { CollectionRequest, CollectionVehicleType, LatLon } from './types.js';

/** The parts of the city's `waste` section the planner reads (structurally the city schema's types). */
export interface CityWaste {
  readonly depots: readonly {
    id: string;
    location: LatLon;
    openingHours?: { start: string; end: string };
    fleet?: readonly CollectionVehicleType[];
  }[];
  readonly disposalSites: readonly { id: string; location: LatLon; unloadMinutes: number }[];
  readonly trucks: readonly {
    id: string;
    depot: string;
    capacityM3: number;
    capacityKg: number;
    shiftMinutes: number;
    fixedCost?: number;
    costPerKm?: number;
  }[];
  readonly bins: readonly {
    id: string;
    location: LatLon;
    volumeL: number;
    depot: string;
    threshold: number;
    densityKgPerM3: number;
    serviceSeconds: number;
    timeWindow?: { start: string; end: string };
  }[];
}

/** Fill now and forecast fill just before the next service day, both as fractions of the bin volume. */
export interface BinLevel {
  readonly fill: number;
  readonly forecastFill: number;
}

/** Bins without a level (no reading yet) are left out of the request: nothing is known to be due. */
export function collectionRequestForDepot(
  waste: CityWaste,
  depotId: string,
  levels: ReadonlyMap<string, BinLevel>,
  shiftStart: string,
  tuning: Pick<
    CollectionRequest,
    'optionalLevel' | 'optionalValueMinutes' | 'detourFactor' | 'speedKmh' | 'matrix'
  > = {},
): CollectionRequest {
  const depot = waste.depots.find((d) => d.id === depotId);
  if (!depot)
    throw inputError(
      `unknown depot "${depotId}"; the city has ${waste.depots.map((d) => d.id).join(', ') || 'no depots'}`,
      { field: 'depot' },
    );
  const bins = waste.bins
    .filter((b) => b.depot === depotId && levels.has(b.id))
    .map((b) => {
      const level = levels.get(b.id)!;
      const { timeWindow, depot: _depot, ...rest } = b;
      return {
        ...rest,
        fill: level.fill,
        forecastFill: level.forecastFill,
        ...(timeWindow ? { timeWindow: windowMinutes(timeWindow, `${b.id}.timeWindow`) } : {}),
      };
    });
  const hours = depot.openingHours;
  return {
    depot: {
      id: depot.id,
      location: depot.location,
      ...(hours ? { openingHours: windowMinutes(hours, `${depot.id}.openingHours`) } : {}),
    },
    disposalSites: waste.disposalSites,
    trucks: waste.trucks.filter((t) => t.depot === depotId),
    ...(depot.fleet && depot.fleet.length > 0 ? { vehicleTypes: depot.fleet } : {}),
    bins,
    shiftStart: minutesOf(shiftStart, 'shiftStart'),
    ...tuning,
  };
}

/** "HH:MM" as minutes after midnight. */
export function minutesOf(clock: string, field: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(clock);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59)
    throw inputError(`${field} must be a time HH:MM, got "${clock}"`, { field });
  return Number(m[1]) * 60 + Number(m[2]);
}

/** A local-time window `{start, end}` (HH:MM) in minutes after midnight; `field` names it in an error. */
function windowMinutes(w: { start: string; end: string }, field: string): { start: number; end: number } {
  return { start: minutesOf(w.start, `${field}.start`), end: minutesOf(w.end, `${field}.end`) };
}
