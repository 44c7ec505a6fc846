// Tenant scope: which depots and bins a waste contractor may see, and whose plans a caller may read.
import type { City } from '../../city/index.js';
import type { Principal } from './roles.js';

/** The depots a contractor's key covers: its explicit list, else every depot its tenant owns in the city. */
export function contractorDepots(p: Principal, city: City): Set<string> {
  if (p.depots.length > 0 || p.areas.length > 0) return new Set(p.depots);
  return new Set(city.waste.depots.filter((d) => d.contractor === p.tenant).map((d) => d.id));
}

export function mayUseDepot(p: Principal, city: City, depot: string): boolean {
  if (p.role === 'operator') return true;
  return p.role === 'waste-contractor' && contractorDepots(p, city).has(depot);
}

export function mayReadBin(p: Principal, city: City, bin: { depot: string; area: string }): boolean {
  if (p.role === 'operator') return true;
  if (p.role !== 'waste-contractor') return false;
  return contractorDepots(p, city).has(bin.depot) || p.areas.includes(bin.area);
}

/** Plans belong to the tenant that requested them; operators read every tenant's. */
export function mayReadTenant(p: Principal, tenant: string): boolean {
  return p.role === 'operator' || p.tenant === tenant;
}

/**
 * What is wrong with a contractor key's scope in this city: depots and areas that do not exist (a typo would give a
 * key that silently sees nothing). Undefined when every id is known.
 */
export function unknownScope(
  city: City,
  scope: { depots?: string[]; areas?: string[] },
): { field: 'depots' | 'areas'; message: string } | undefined {
  const depots = new Set(city.waste.depots.map((d) => d.id));
  const missingDepots = (scope.depots ?? []).filter((d) => !depots.has(d));
  if (missingDepots.length > 0) {
    return {
      field: 'depots',
      message: `no depot ${missingDepots.map((d) => `'${d}'`).join(', ')} in city ${city.id} (its depots: ${[...depots].slice(0, 20).join(', ') || 'none'})`,
    };
  }
  const areas = new Set(city.waste.bins.map((b) => b.area));
  const missingAreas = (scope.areas ?? []).filter((a) => !areas.has(a));
  if (missingAreas.length > 0) {
    return {
      field: 'areas',
      message: `no area ${missingAreas.map((a) => `'${a}'`).join(', ')} in city ${city.id} (areas are those of its bins: ${[...areas].slice(0, 20).join(', ') || 'none'})`,
    };
  }
  return undefined;
}
