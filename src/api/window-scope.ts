// Which window operators and keys a caller may read: by the sensor kind of the metric, and for bins by contractor scope.
import type { City } from '../city/index.js';
import type { OperatorSpec } from '../stream/index.js';
import { METRICS, type SensorKind } from '../telemetry/index.js';
import { contractorDepots, mayReadBin, type Principal, type Role } from './access/index.js';

const READERS: Record<SensorKind, readonly Role[]> = {
  detector: ['traffic-center', 'operator'],
  'feeder-meter': ['utility', 'operator'],
  'dr-resource': ['utility', 'operator'],
  bin: ['waste-contractor', 'operator'],
  weather: ['utility', 'waste-contractor', 'traffic-center', 'operator'],
};

function kindOf(op: OperatorSpec): SensorKind | undefined {
  return METRICS.find((m) => m.name === op.metric)?.sensorKind;
}

export function mayReadOperator(p: Principal, op: OperatorSpec): boolean {
  const kind = kindOf(op);
  return kind !== undefined && READERS[kind].includes(p.role);
}

/** A key filter for a readable operator; undefined when every key may be read. */
export function keyFilter(p: Principal, op: OperatorSpec, city: City): ((key: string) => boolean) | undefined {
  if (p.role === 'operator' || kindOf(op) !== 'bin') return undefined;
  // An area or depot aggregate mixes every bin in it, so those keys need the area or depot itself in scope.
  if (op.keyBy === 'depot') {
    const depots = contractorDepots(p, city);
    return (k) => depots.has(k);
  }
  if (op.keyBy === 'area') return (k) => p.areas.includes(k);
  const visible = new Set<string>();
  for (const b of city.waste.bins) if (mayReadBin(p, city, b)) visible.add(op.keyBy === 'sensor' ? b.sensor : b.id);
  if (op.keyBy !== 'sensor' && op.keyBy !== 'bin') return () => false;
  return (k) => visible.has(k);
}
