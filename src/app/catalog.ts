// The sensor catalog of a city: every sensor with its kind and the entities it belongs to (the stream keys).
import { sensorIndex, type City } from '../city/index.js';
import { buildCatalog, type CatalogSensor, type SensorCatalog } from '../telemetry/index.js';

/**
 * Approach and lane group ids are unique only within their intersection (every intersection has an `N`
 * approach), so their stream keys carry the intersection: `int-001/N-LT`. Ids cannot contain '/'.
 */
export function intersectionKey(intersection: string, id: string): string {
  return `${intersection}/${id}`;
}

export function catalogFromCity(city: City): SensorCatalog {
  const sensors: CatalogSensor[] = [];
  for (const info of sensorIndex(city).values()) {
    switch (info.kind) {
      case 'detector':
        sensors.push({
          id: info.sensor,
          kind: info.kind,
          owners: {
            intersection: info.intersection,
            approach: intersectionKey(info.intersection, info.approach),
            laneGroup: intersectionKey(info.intersection, info.laneGroup),
          },
        });
        break;
      case 'feeder-meter':
        sensors.push({ id: info.sensor, kind: info.kind, owners: { feeder: info.feeder } });
        break;
      case 'dr-resource':
        sensors.push({ id: info.sensor, kind: info.kind, owners: { resource: info.resource, feeder: info.feeder } });
        break;
      case 'bin':
        sensors.push({
          id: info.sensor,
          kind: info.kind,
          owners: { bin: info.bin, depot: info.depot, area: info.area },
        });
        break;
      case 'weather':
        sensors.push({ id: info.sensor, kind: info.kind, owners: { station: info.station } });
        break;
    }
  }
  return buildCatalog(sensors);
}
