// Independent check of a collection plan against its request: recomputes loads, times and distances from the raw data.
import type { CollectionPlan, CollectionRequest, LatLon } from './types.js';

/** Returns the violations found; an empty list means the plan is feasible and complete. */
export function checkCollectionPlan(req: CollectionRequest, plan: CollectionPlan): string[] {
  const out: string[] = [];
  const bins = new Map(req.bins.map((b) => [b.id, b]));
  const sites = new Map(req.disposalSites.map((s) => [s.id, s]));
  const trucks = new Map(req.trucks.map((t) => [t.id, t]));
  const served = new Map<string, number>();
  const factor = req.detourFactor ?? 1.3;
  const speed = req.speedKmh ?? 25;
  const minutesBetween = (a: string, pa: LatLon, b: string, pb: LatLon): number => {
    if (req.matrix) {
      const ia = req.matrix.ids.indexOf(a);
      const ib = req.matrix.ids.indexOf(b);
      return ia === ib ? 0 : (req.matrix.minutes[ia][ib] ?? Infinity);
    }
    return ((greatCircleKm(pa, pb) * factor) / speed) * 60;
  };
  for (const t of plan.trucks) {
    const truck = trucks.get(t.truck);
    if (!truck) {
      out.push(`unknown truck ${t.truck}`);
      continue;
    }
    const first = t.stops[0];
    const last = t.stops[t.stops.length - 1];
    if (first?.kind !== 'depot' || last?.kind !== 'depot' || first.id !== req.depot.id || last.id !== req.depot.id)
      out.push(`${t.truck}: does not start and end at depot ${req.depot.id}`);
    if (last && first && last.arrival - first.departure > truck.shiftMinutes + 1e-6)
      out.push(`${t.truck}: shift of ${last.arrival - first.departure} minutes exceeds ${truck.shiftMinutes}`);
    let m3 = 0;
    let kg = 0;
    for (let k = 1; k < t.stops.length; k++) {
      const prev = t.stops[k - 1];
      const s = t.stops[k];
      const drive = minutesBetween(prev.id, prev.location, s.id, s.location);
      if (s.arrival + 1e-6 < prev.departure + drive)
        out.push(`${t.truck}: reaches ${s.id} at ${s.arrival}, before ${prev.departure} + ${drive} minutes of driving`);
      if (s.kind === 'bin') {
        const bin = bins.get(s.id);
        if (!bin) {
          out.push(`${t.truck}: unknown bin ${s.id}`);
          continue;
        }
        served.set(s.id, (served.get(s.id) ?? 0) + 1);
        m3 += (bin.fill * bin.volumeL) / 1000;
        kg += (bin.fill * bin.volumeL * bin.densityKgPerM3) / 1000;
        if (m3 > truck.capacityM3 + 1e-9 || kg > truck.capacityKg + 1e-6)
          out.push(`${t.truck}: over capacity after bin ${s.id} (${m3} m3, ${kg} kg)`);
        if (Math.abs(s.loadM3 - m3) > 1e-6 || Math.abs(s.loadKg - kg) > 1e-6)
          out.push(`${t.truck}: reported load after ${s.id} is wrong`);
        if (bin.timeWindow && s.arrival > bin.timeWindow.end + 1e-6)
          out.push(`${t.truck}: reaches ${s.id} at ${s.arrival}, after its window closes at ${bin.timeWindow.end}`);
        const begin = Math.max(s.arrival, bin.timeWindow?.start ?? -Infinity);
        if (s.departure + 1e-6 < begin + bin.serviceSeconds / 60)
          out.push(`${t.truck}: leaves ${s.id} before its service is done`);
      } else if (s.kind === 'disposal') {
        const site = sites.get(s.id);
        if (!site) out.push(`${t.truck}: unknown disposal site ${s.id}`);
        else if (s.departure + 1e-6 < s.arrival + site.unloadMinutes)
          out.push(`${t.truck}: leaves ${s.id} before unloading`);
        m3 = 0;
        kg = 0;
      } else if (k === t.stops.length - 1 && (m3 > 1e-9 || kg > 1e-9)) {
        out.push(`${t.truck}: returns to the depot loaded`);
      }
    }
  }
  for (const [id, count] of served) if (count > 1) out.push(`bin ${id} is collected ${count} times`);
  const unassigned = new Set(plan.unassigned.map((u) => u.bin));
  for (const b of req.bins) {
    const must = b.forecastFill >= b.threshold || b.fill >= b.threshold;
    if (must && !served.has(b.id) && !unassigned.has(b.id))
      out.push(`must-collect bin ${b.id} is neither routed nor listed unassigned`);
    if (served.has(b.id) && unassigned.has(b.id)) out.push(`bin ${b.id} is both routed and listed unassigned`);
  }
  return out;
}

function greatCircleKm(a: LatLon, b: LatLon): number {
  const toRad = Math.PI / 180;
  const x = Math.sin(((b.lat - a.lat) * toRad) / 2);
  const y = Math.sin(((b.lon - a.lon) * toRad) / 2);
  const h = x * x + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * y * y;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}
