import { describe, expect, it } from 'vitest';
import {
  checkCollectionPlan,
  clock,
  generateCollectionDay,
  planCollection,
  planToGeoJson,
  planToGpx,
  type CollectionRequest,
} from '../../../../solvers/routing/index.js';

let tick = 0;
const now = (): number => tick++ * 1e-6;
const opts = { timeLimitMs: 60_000, seed: 1, now, maxIterations: 1500 };

describe('planCollection', () => {
  it('routes every must-collect bin of a small day within capacity, shifts and time windows', async () => {
    const req = generateCollectionDay({ bins: 60, trucks: 3, seed: 4, windowShare: 0.2 });
    const plan = await planCollection(req, opts);
    expect(checkCollectionPlan(req, plan)).toEqual([]);
    expect(plan.unassigned.filter((u) => u.mustCollect)).toEqual([]);
    const routed = new Set(plan.trucks.flatMap((t) => t.stops.filter((s) => s.kind === 'bin').map((s) => s.id)));
    for (const id of plan.mustCollect) expect(routed.has(id)).toBe(true);
    expect(plan.mustCollect.length).toBeGreaterThan(0);
  });

  it('sends a small truck to the disposal site several times in one shift', async () => {
    const base = generateCollectionDay({ bins: 40, trucks: 1, seed: 9 });
    const req: CollectionRequest = {
      ...base,
      trucks: [{ id: 'small', capacityM3: 6, capacityKg: 4000, shiftMinutes: 900 }],
    };
    const plan = await planCollection(req, opts);
    expect(checkCollectionPlan(req, plan)).toEqual([]);
    const truck = plan.trucks[0];
    expect(truck.trips).toBeGreaterThan(1);
    expect(truck.stops.filter((s) => s.kind === 'disposal').length).toBe(truck.trips);
    const lastBin = truck.stops.map((s) => s.kind).lastIndexOf('bin');
    expect(truck.stops[lastBin + 1].kind).toBe('disposal');
  });

  it('lists bins it cannot collect with the reason: too big, unreachable, out of shift time', async () => {
    const base = generateCollectionDay({ bins: 6, trucks: 1, seed: 2 });
    const must = { fill: 0.9, forecastFill: 1.2, threshold: 0.8 };
    const bins = base.bins.map((b) => ({ ...b, ...must, volumeL: 240, timeWindow: undefined }));
    bins[0] = { ...bins[0], volumeL: 100_000 };
    const tooBig = await planCollection({ ...base, bins }, opts);
    expect(tooBig.unassigned).toContainEqual({ bin: bins[0].id, mustCollect: true, reason: 'exceeds truck capacity' });

    const ids = ['depot', ...base.disposalSites.map((s) => s.id), ...bins.map((b) => b.id)];
    const minutes = ids.map((_, i) => ids.map((__, j) => (i === j ? 0 : 5) as number | null));
    for (let k = 0; k < ids.length; k++) minutes[k][ids.length - 1] = minutes[ids.length - 1][k] = null;
    const matrixReq = { ...base, bins: bins.slice(1), matrix: { ids, minutes, km: minutes } };
    const unreachable = await planCollection(matrixReq, opts);
    expect(unreachable.unassigned).toEqual([
      { bin: bins[bins.length - 1].id, mustCollect: true, reason: 'unreachable' },
    ]);
    expect(checkCollectionPlan(matrixReq, unreachable)).toEqual([]);

    const shortShift = {
      ...base,
      bins: bins.slice(1),
      trucks: [{ id: 't', capacityM3: 50, capacityKg: 9000, shiftMinutes: 5 }],
    };
    const late = await planCollection(shortShift, opts);
    expect(late.trucks).toEqual([]);
    expect(late.unassigned.every((u) => u.reason === 'no truck time left')).toBe(true);
  });

  it('rejects a request without trucks', async () => {
    const req = generateCollectionDay({ bins: 5, trucks: 0, seed: 1 });
    await expect(planCollection(req, opts)).rejects.toThrow(/at least one truck/);
  });

  it('skips optional bins whose detour is worth more than their urgency', async () => {
    const base = generateCollectionDay({ bins: 2, trucks: 1, seed: 3 });
    const near = {
      ...base.bins[0],
      id: 'near',
      location: base.depot.location,
      fill: 0.9,
      forecastFill: 1,
      threshold: 0.8,
    };
    const far = {
      ...base.bins[1],
      id: 'far',
      location: { lat: base.depot.location.lat + 0.2, lon: base.depot.location.lon },
      fill: 0.6,
      forecastFill: 0.7,
      threshold: 0.8,
    };
    const req = { ...base, bins: [near, far] };
    const plan = await planCollection(req, opts);
    expect(plan.optional).toEqual(['far']);
    expect(plan.unassigned).toEqual([{ bin: 'far', mustCollect: false, reason: 'optional bin not worth the detour' }]);
    expect(checkCollectionPlan(req, plan)).toEqual([]);
  });

  it('exports routes as GeoJSON lines and points and as GPX tracks', async () => {
    const req = generateCollectionDay({ bins: 20, trucks: 2, seed: 5 });
    const plan = await planCollection(req, opts);
    const geo = planToGeoJson(plan);
    const stops = plan.trucks.reduce((n, t) => n + t.stops.length, 0);
    expect(geo.features.filter((f) => f.geometry.type === 'LineString').length).toBe(plan.trucks.length);
    expect(geo.features.filter((f) => f.geometry.type === 'Point').length).toBe(stops);
    const gpx = planToGpx(plan, (minutes) => `2026-03-02T${clock(minutes)}:00+01:00`);
    expect(gpx.match(/<trk>/g)?.length).toBe(plan.trucks.length);
    expect(gpx.match(/<trkpt /g)?.length).toBe(stops);
    expect(gpx).toContain('<time>2026-03-02T06:00:00+01:00</time>');
  });
});
