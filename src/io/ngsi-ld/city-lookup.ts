// Which sensor a mapped entity id names: a sensor id itself, or the sensor of a bin, feeder (head meter) or DR resource.
import { sensorIndex, type City } from '../../city/index.js';
import type { SensorKind } from '../../telemetry/metrics.js';
import type { MappingTarget } from './mapping-schema.js';

export interface SensorRef {
  sensor: string;
  kind: SensorKind;
}

export type SensorLookup = (target: MappingTarget, id: string) => SensorRef | undefined;

export function cityLookup(city: City): SensorLookup {
  const sensors = sensorIndex(city);
  const byTarget: Record<Exclude<MappingTarget, 'sensor'>, Map<string, SensorRef>> = {
    bin: new Map(city.waste.bins.map((b) => [b.id, { sensor: b.sensor, kind: 'bin' }])),
    feeder: new Map(city.feeders.map((f) => [f.id, { sensor: f.meterSensor, kind: 'feeder-meter' }])),
    'dr-resource': new Map(
      city.feeders.flatMap((f) => f.resources.map((r) => [r.id, { sensor: r.sensor, kind: 'dr-resource' }] as const)),
    ),
  };
  return (target, id) => {
    if (target !== 'sensor') return byTarget[target].get(id);
    const info = sensors.get(id);
    return info ? { sensor: info.sensor, kind: info.kind } : undefined;
  };
}
