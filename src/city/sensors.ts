// The sensor index: every sensor id mapped to its kind and the entities that own it, the keys stream operators group by.
import type { SensorKind } from '../telemetry/index.js';
import type { City, DrResourceType } from './schema.js';

export interface DetectorSensor {
  kind: 'detector';
  sensor: string;
  intersection: string;
  approach: string;
  laneGroup: string;
}
export interface FeederMeterSensor {
  kind: 'feeder-meter';
  sensor: string;
  feeder: string;
}
export interface DrResourceSensor {
  kind: 'dr-resource';
  sensor: string;
  resource: string;
  resourceType: DrResourceType;
  feeder: string;
}
export interface BinSensor {
  kind: 'bin';
  sensor: string;
  bin: string;
  depot: string;
  area: string;
}
export interface WeatherSensor {
  kind: 'weather';
  sensor: string;
  station: string;
}

export type SensorInfo = DetectorSensor | FeederMeterSensor | DrResourceSensor | BinSensor | WeatherSensor;

export type SensorIndex = ReadonlyMap<string, SensorInfo>;

/** Maps every sensor of a validated city to its kind and owners, in city-file order. */
export function sensorIndex(city: City): SensorIndex {
  const index = new Map<string, SensorInfo>();
  for (const s of city.weatherStations) index.set(s.sensor, { kind: 'weather', sensor: s.sensor, station: s.id });
  for (const x of city.intersections) {
    for (const a of x.approaches) {
      for (const g of a.laneGroups) {
        for (const d of g.detectors)
          index.set(d, { kind: 'detector', sensor: d, intersection: x.id, approach: a.id, laneGroup: g.id });
      }
    }
  }
  for (const f of city.feeders) {
    index.set(f.meterSensor, { kind: 'feeder-meter', sensor: f.meterSensor, feeder: f.id });
    for (const r of f.resources)
      index.set(r.sensor, {
        kind: 'dr-resource',
        sensor: r.sensor,
        resource: r.id,
        resourceType: r.type,
        feeder: f.id,
      });
  }
  for (const b of city.waste.bins)
    index.set(b.sensor, { kind: 'bin', sensor: b.sensor, bin: b.id, depot: b.depot, area: b.area });
  return index;
}

/** Sensor counts per kind, for summaries. */
export function sensorCounts(index: SensorIndex): Record<SensorKind, number> {
  const counts: Record<SensorKind, number> = { detector: 0, 'feeder-meter': 0, 'dr-resource': 0, bin: 0, weather: 0 };
  for (const s of index.values()) counts[s.kind]++;
  return counts;
}
