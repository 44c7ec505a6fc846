// Checks a schema-valid city for consistency the schema cannot express: unique ids, references, ranges.
import type { City } from './schema.js';
import type { FieldError } from './schema-errors.js';
import { holidayCalendarProblem } from './holiday-calendar.js';

/** Reports every id seen twice among `items`, at the later item's path. */
function uniqueIds(items: readonly { id: string }[], basePath: string, what: string, out: FieldError[]): Set<string> {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const prev = first.get(item.id);
    if (prev === undefined) first.set(item.id, i);
    else
      out.push({
        path: `${basePath}[${i}].id`,
        message: `duplicate ${what} id "${item.id}" (also at ${basePath}[${prev}])`,
      });
  });
  return new Set(first.keys());
}

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function realDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

function checkIntersections(city: City, out: FieldError[]): Set<string> {
  const ids = uniqueIds(city.intersections, 'intersections', 'intersection', out);
  city.intersections.forEach((x, i) => {
    const p = `intersections[${i}]`;
    if (x.cycleMinS > x.cycleMaxS)
      out.push({ path: `${p}.cycleMinS`, message: `must be <= cycleMaxS (${x.cycleMaxS})` });
    const approachIds = uniqueIds(x.approaches, `${p}.approaches`, 'approach', out);
    const laneGroups = new Map<string, string>();
    x.approaches.forEach((a, ai) => {
      a.laneGroups.forEach((g, gi) => {
        const gp = `${p}.approaches[${ai}].laneGroups[${gi}]`;
        const prev = laneGroups.get(g.id);
        if (prev !== undefined)
          out.push({
            path: `${gp}.id`,
            message: `duplicate lane group id "${g.id}" in intersection "${x.id}" (also at ${prev})`,
          });
        else laneGroups.set(g.id, gp);
      });
    });
    uniqueIds(x.phases, `${p}.phases`, 'phase', out);
    x.phases.forEach((ph, pi) => {
      const pp = `${p}.phases[${pi}]`;
      ph.laneGroups.forEach((g, gi) => {
        if (!laneGroups.has(g))
          out.push({ path: `${pp}.laneGroups[${gi}]`, message: `unknown lane group "${g}" in intersection "${x.id}"` });
      });
      ph.pedestrian?.crosswalks.forEach((c, ci) => {
        if (!approachIds.has(c))
          out.push({
            path: `${pp}.pedestrian.crosswalks[${ci}]`,
            message: `unknown approach "${c}" in intersection "${x.id}"`,
          });
      });
      if (x.controller === 'nema') {
        for (const f of ['nema', 'ring', 'barrier'] as const) {
          if (ph[f] === undefined) out.push({ path: `${pp}.${f}`, message: 'is required for a nema controller' });
        }
      }
    });
  });
  return ids;
}

function checkCorridors(city: City, intersections: Set<string>, out: FieldError[]): void {
  uniqueIds(city.corridors, 'corridors', 'corridor', out);
  city.corridors.forEach((c, i) => {
    const p = `corridors[${i}]`;
    const seen = new Set<string>();
    c.intersections.forEach((x, xi) => {
      if (!intersections.has(x))
        out.push({ path: `${p}.intersections[${xi}]`, message: `unknown intersection "${x}"` });
      if (seen.has(x)) out.push({ path: `${p}.intersections[${xi}]`, message: `intersection "${x}" appears twice` });
      seen.add(x);
    });
    const links = c.intersections.length - 1;
    if (c.linkTravelTimesS.length !== links) {
      out.push({
        path: `${p}.linkTravelTimesS`,
        message: `must have ${links} entries (one per link between ${c.intersections.length} intersections), has ${c.linkTravelTimesS.length}`,
      });
    }
    if (c.linkTravelTimesBackS && c.linkTravelTimesBackS.length !== links) {
      out.push({
        path: `${p}.linkTravelTimesBackS`,
        message: `must have ${links} entries, has ${c.linkTravelTimesBackS.length}`,
      });
    }
  });
}

function checkFeeders(city: City, stations: Set<string>, out: FieldError[]): void {
  uniqueIds(city.feeders, 'feeders', 'feeder', out);
  const resources = new Map<string, string>();
  city.feeders.forEach((f, i) => {
    const p = `feeders[${i}]`;
    if (f.weatherStation !== undefined && !stations.has(f.weatherStation)) {
      out.push({ path: `${p}.weatherStation`, message: `unknown weather station "${f.weatherStation}"` });
    }
    f.resources.forEach((r, ri) => {
      const rp = `${p}.resources[${ri}]`;
      const prev = resources.get(r.id);
      if (prev !== undefined)
        out.push({ path: `${rp}.id`, message: `duplicate DR resource id "${r.id}" (also at ${prev})` });
      else resources.set(r.id, rp);
      if (r.type === 'battery') {
        const lo = r.socMin ?? 0;
        const hi = r.socMax ?? 1;
        if (lo > hi) out.push({ path: `${rp}.socMin`, message: `must be <= socMax (${hi})` });
        else if (r.soc < lo || r.soc > hi)
          out.push({ path: `${rp}.soc`, message: `must be within [socMin, socMax] = [${lo}, ${hi}]` });
      }
      if (r.type === 'industrial' && r.minKW > r.maxKW)
        out.push({ path: `${rp}.minKW`, message: `must be <= maxKW (${r.maxKW})` });
    });
  });
}

function checkWaste(city: City, out: FieldError[]): void {
  const w = city.waste;
  const contractors = uniqueIds(w.contractors, 'waste.contractors', 'contractor', out);
  const depots = uniqueIds(w.depots, 'waste.depots', 'depot', out);
  uniqueIds(w.disposalSites, 'waste.disposalSites', 'disposal site', out);
  uniqueIds(w.trucks, 'waste.trucks', 'truck', out);
  uniqueIds(w.bins, 'waste.bins', 'bin', out);
  const truckIds = new Set(w.trucks.map((t) => t.id));
  w.depots.forEach((d, i) => {
    if (!contractors.has(d.contractor))
      out.push({ path: `waste.depots[${i}].contractor`, message: `unknown contractor "${d.contractor}"` });
    if (d.openingHours && d.openingHours.end <= d.openingHours.start)
      out.push({ path: `waste.depots[${i}].openingHours.end`, message: 'must be after openingHours.start' });
    uniqueIds(d.fleet ?? [], `waste.depots[${i}].fleet`, 'vehicle type', out);
    (d.fleet ?? []).forEach((t, k) => {
      for (let n = 1; n <= t.count; n++) {
        if (truckIds.has(`${t.id}-${n}`)) {
          out.push({
            path: `waste.depots[${i}].fleet[${k}].id`,
            message: `its truck "${t.id}-${n}" has the id of a truck in waste.trucks`,
          });
          break;
        }
      }
    });
  });
  w.trucks.forEach((t, i) => {
    if (!depots.has(t.depot)) out.push({ path: `waste.trucks[${i}].depot`, message: `unknown depot "${t.depot}"` });
  });
  w.bins.forEach((b, i) => {
    if (!depots.has(b.depot)) out.push({ path: `waste.bins[${i}].depot`, message: `unknown depot "${b.depot}"` });
  });
}

/** Every sensor id with the path that declares it, in file order. */
export function sensorDeclarations(city: City): { sensor: string; path: string }[] {
  const out: { sensor: string; path: string }[] = [];
  city.weatherStations.forEach((s, i) => out.push({ sensor: s.sensor, path: `weatherStations[${i}].sensor` }));
  city.intersections.forEach((x, i) =>
    x.approaches.forEach((a, ai) =>
      a.laneGroups.forEach((g, gi) =>
        g.detectors.forEach((d, di) =>
          out.push({ sensor: d, path: `intersections[${i}].approaches[${ai}].laneGroups[${gi}].detectors[${di}]` }),
        ),
      ),
    ),
  );
  city.feeders.forEach((f, i) => {
    out.push({ sensor: f.meterSensor, path: `feeders[${i}].meterSensor` });
    f.resources.forEach((r, ri) => out.push({ sensor: r.sensor, path: `feeders[${i}].resources[${ri}].sensor` }));
  });
  city.waste.bins.forEach((b, i) => out.push({ sensor: b.sensor, path: `waste.bins[${i}].sensor` }));
  return out;
}

/** Every consistency problem of a schema-valid city, or an empty list. */
export function crossReferenceErrors(city: City): FieldError[] {
  const out: FieldError[] = [];
  if (!validTimezone(city.timezone))
    out.push({ path: 'timezone', message: `unknown IANA timezone "${city.timezone}" (e.g. "America/Chicago")` });
  const calendarProblem = city.holidayCalendar ? holidayCalendarProblem(city.holidayCalendar) : null;
  if (calendarProblem) out.push({ path: 'holidayCalendar', message: calendarProblem });
  city.holidays.forEach((h, i) => {
    if (!realDate(h)) out.push({ path: `holidays[${i}]`, message: `"${h}" is not a calendar date` });
  });
  const stations = uniqueIds(city.weatherStations, 'weatherStations', 'weather station', out);
  const intersections = checkIntersections(city, out);
  checkCorridors(city, intersections, out);
  checkFeeders(city, stations, out);
  checkWaste(city, out);
  const sensors = new Map<string, string>();
  for (const { sensor, path } of sensorDeclarations(city)) {
    const prev = sensors.get(sensor);
    if (prev !== undefined) out.push({ path, message: `duplicate sensor id "${sensor}" (also at ${prev})` });
    else sensors.set(sensor, path);
  }
  return out;
}
