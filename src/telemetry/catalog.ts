// The sensor catalog: dense sensor ids, each sensor's kind, and its owning entity per grouping (the stream keys).
import { METRICS, type SensorKind } from './metrics.js';

export const SENSOR_KINDS: readonly SensorKind[] = ['detector', 'feeder-meter', 'dr-resource', 'bin', 'weather'];

export interface Grouping {
  /** Entity ids of this grouping; a key id is an index into it. */
  keys: string[];
  /** Key id of each sensor, or -1 where the sensor has no entity of this grouping. */
  ofSensor: Int32Array;
}

export interface SensorCatalog {
  ids: string[];
  index: Map<string, number>;
  kind: Uint8Array;
  groupings: Map<string, Grouping>;
}

export interface CatalogSensor {
  id: string;
  kind: SensorKind;
  /** Owning entity per grouping name, e.g. { intersection: 'I1', approach: 'I1-N', laneGroup: 'I1-N-T' }. */
  owners: Record<string, string>;
}

/** Builds a catalog; the `sensor` grouping (every sensor is its own key) is always present. */
export function buildCatalog(sensors: readonly CatalogSensor[]): SensorCatalog {
  const ids = sensors.map((s) => s.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const kind = Uint8Array.from(sensors.map((s) => SENSOR_KINDS.indexOf(s.kind)));
  const groupings = new Map<string, Grouping>();
  groupings.set('sensor', { keys: ids, ofSensor: Int32Array.from(ids, (_, i) => i) });
  const keyIndex = new Map<string, Map<string, number>>();
  sensors.forEach((s, i) => {
    for (const [name, owner] of Object.entries(s.owners)) {
      let g = groupings.get(name);
      if (!g) {
        g = { keys: [], ofSensor: new Int32Array(sensors.length).fill(-1) };
        groupings.set(name, g);
        keyIndex.set(name, new Map());
      }
      const ki = keyIndex.get(name)!;
      let k = ki.get(owner);
      if (k === undefined) {
        k = g.keys.length;
        g.keys.push(owner);
        ki.set(owner, k);
      }
      g.ofSensor[i] = k;
    }
  });
  return { ids, index, kind, groupings };
}

/** metricAllowed[metric * kinds + kind] says whether a sensor kind reports that metric. */
export function metricKindTable(): Uint8Array {
  const t = new Uint8Array(METRICS.length * SENSOR_KINDS.length);
  METRICS.forEach((m, i) => (t[i * SENSOR_KINDS.length + SENSOR_KINDS.indexOf(m.sensorKind)] = 1));
  return t;
}
