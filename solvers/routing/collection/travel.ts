// Travel minutes and kilometres between plan nodes: haversine times a detour factor at a speed, or a user matrix.
import { inputError } from '../../../src/errors.js';
import type { LatLon, TravelMatrix } from './types.js';

export interface Travel {
  /** Row-major size×size; Infinity where a pair is unreachable. */
  readonly minutes: Float64Array;
  readonly km: Float64Array;
  readonly size: number;
}

const EARTH_RADIUS_KM = 6371.0088;

export function haversineKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function geoTravel(points: readonly LatLon[], detourFactor: number, speedKmh: number): Travel {
  const size = points.length;
  const km = new Float64Array(size * size);
  const minutes = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) {
      const d = haversineKm(points[i], points[j]) * detourFactor;
      km[i * size + j] = km[j * size + i] = d;
      minutes[i * size + j] = minutes[j * size + i] = (d / speedKmh) * 60;
    }
  }
  return { minutes, km, size };
}

/** Picks the rows of a user matrix for the given node ids, in order. */
export function matrixTravel(matrix: TravelMatrix, ids: readonly string[]): Travel {
  const index = new Map(matrix.ids.map((id, i) => [id, i]));
  const rows = ids.map((id) => {
    const r = index.get(id);
    if (r === undefined) throw inputError(`matrix.ids has no entry for "${id}"`, { field: 'matrix.ids', id });
    return r;
  });
  const size = ids.length;
  const km = new Float64Array(size * size);
  const minutes = new Float64Array(size * size);
  const cell = (table: TravelMatrix['km'], name: string, a: number, b: number): number => {
    const v = table[a]?.[b];
    if (v === null) return Infinity;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw inputError(`matrix.${name}[${a}][${b}] must be a non-negative number or null`, {
        field: `matrix.${name}[${a}][${b}]`,
      });
    return v;
  };
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (i === j) continue;
      km[i * size + j] = cell(matrix.km, 'km', rows[i], rows[j]);
      minutes[i * size + j] = cell(matrix.minutes, 'minutes', rows[i], rows[j]);
    }
  }
  return { minutes, km, size };
}
