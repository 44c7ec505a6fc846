// The sensor catalog of a city: every sensor with its kind and the entities it belongs to (the stream keys).
import { sensorIndex, type City } from '../city/index.js';
import { buildCatalog, type CatalogSensor, type SensorCatalog } from '../telemetry/catalog.js';

/**
 * Stream key of an approach or lane group: their ids are local to an intersection ('N', 'N-LT'), so the key
 * carries the intersection too, or every intersection's north approach would be aggregated as one.
 */
export function intersectionPartKey(intersection: string, part: string): string {
  return `${intersection}/${part}`;
}

export function catalogFromCity(city: City): SensorCatalog {
  const sensors: CatalogSensor[] = [];
  for (const info of sensorIndex(city).values()) {
    switch (info.kind) {
      case 'detector':
        sensors.push({ id: info.sensor, kind: info.kind, owners: {
            intersection: info.intersection,
            approach: intersectionPartKey(info.intersection, info.approach),
            laneGroup: intersectionPartKey(info.intersection, info.laneGroup),
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
        sensors.push({ id: info.sensor, kind: info.kind, owners: { bin: info.bin, depot: info.depot, area: info.area } });
        break;
      case 'weather':
        sensors.push({ id: info.sensor, kind: info.kind, owners: { station: info.station } });
        break;
    }
  }
  return buildCatalog(sensors);
}
