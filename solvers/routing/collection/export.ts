// Map exports of a collection plan: a GeoJSON FeatureCollection and a GPX document, one track per truck.
import type { CollectionPlan } from './types.js';

export interface GeoJsonFeature {
  readonly type: 'Feature';
  readonly geometry:
    { type: 'LineString'; coordinates: [number, number][] } | { type: 'Point'; coordinates: [number, number] };
  readonly properties: Record<string, string | number>;
}

export function planToGeoJson(plan: CollectionPlan): { type: 'FeatureCollection'; features: GeoJsonFeature[] } {
  const features: GeoJsonFeature[] = [];
  for (const t of plan.trucks) {
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: t.stops.map((s) => [s.location.lon, s.location.lat]) },
      properties: {
        truck: t.truck,
        trips: t.trips,
        distanceKm: round(t.distanceKm),
        durationMinutes: round(t.durationMinutes),
      },
    });
    t.stops.forEach((s, seq) => {
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [s.location.lon, s.location.lat] },
        properties: {
          truck: t.truck,
          seq,
          kind: s.kind,
          id: s.id,
          arrival: clock(s.arrival),
          departure: clock(s.departure),
          loadM3: round(s.loadM3),
          loadKg: round(s.loadKg),
        },
      });
    });
  }
  return { type: 'FeatureCollection', features };
}

/**
 * GPX 1.1: one track per truck. Stop times are minutes after the shift day's midnight; `timeOf` writes them as the
 * caller's clock says (the service: the city's local time with its UTC offset).
 */
export function planToGpx(plan: CollectionPlan, timeOf: (minutes: number) => string): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gpx version="1.1" creator="urbanflow" xmlns="http://www.topografix.com/GPX/1/1">',
  ];
  for (const t of plan.trucks) {
    lines.push(`  <trk><name>${xml(t.truck)}</name><trkseg>`);
    for (const s of t.stops) {
      lines.push(
        `    <trkpt lat="${s.location.lat.toFixed(6)}" lon="${s.location.lon.toFixed(6)}"><time>${timeOf(s.arrival)}</time><name>${xml(`${s.kind} ${s.id}`)}</name></trkpt>`,
      );
    }
    lines.push('  </trkseg></trk>');
  }
  lines.push('</gpx>');
  return lines.join('\n');
}

/** Minutes after midnight as HH:MM (past midnight wraps into the next day's hours, e.g. 24:30). */
export function clock(minutes: number): string {
  const m = Math.round(minutes);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
