// Who reads which NGSI-LD entities: each type is the city objects of one role, bins scoped to a contractor's depots.
import type { City } from '../../city/index.js';
import type { CityObject, EntityType } from '../../io/ngsi-ld/index.js';
import { mayReadBin, type Principal, type Role } from '../access/index.js';

/** The same roles as the city and forecast routes of those objects. */
export const READERS: Record<EntityType, readonly Role[]> = {
  WasteContainer: ['waste-contractor', 'operator'],
  TrafficFlowObserved: ['traffic-center', 'operator'],
  ElectricityMeter: ['utility', 'operator'],
};

export function mayReadType(p: Principal, type: EntityType): boolean {
  return READERS[type].includes(p.role);
}

/** A bin outside a contractor's depots and areas is invisible, exactly like a missing one. */
export function mayReadObject(p: Principal, city: City, o: CityObject): boolean {
  if (!mayReadType(p, o.type)) return false;
  if (o.type !== 'WasteContainer') return true;
  return mayReadBin(p, city, { depot: o.depot!, area: o.area! });
}
