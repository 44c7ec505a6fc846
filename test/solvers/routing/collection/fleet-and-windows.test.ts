// Collection planning with a fleet of vehicle types (capacity, count, fixed and per-km cost) and with time: bin access
// windows, depot opening hours and service times. Every plan passes the independent checker.
import { describe, expect, it } from 'vitest';
import { cityErrors, generateCity } from '../../../../src/city/index.js';
import {
  checkCollectionPlan,
  collectionRequestForDepot,
  generateCollectionDay,
  planCollection,
  type BinLevel,
  type CollectionBin,
  type CollectionPlan,
  type CollectionRequest,
} from '../../../../solvers/routing/index.js';

let tick = 0;
const now = (): number => tick++ * 1e-6;
const opts = { timeLimitMs: 60_000, seed: 1, now, maxIterations: 800 };

const binsRouted = (plan: CollectionPlan): string[] =>
  plan.trucks.flatMap((t) => t.stops.filter((s) => s.kind === 'bin').map((s) => s.id));

/** Every bin that must go is routed or listed with a reason; none is both. */
function accountsForEveryMustBin(req: CollectionRequest, plan: CollectionPlan): void {
  const routed = new Set(binsRouted(plan));
  const listed = new Set(plan.unassigned.map((u) => u.bin));
  for (const id of plan.mustCollect) expect(routed.has(id) !== listed.has(id)).toBe(true);
  expect(checkCollectionPlan(req, plan)).toEqual([]);
}

describe('planCollection with vehicle types', () => {
  const base = generateCollectionDay({ bins: 40, trucks: 0, seed: 7, windowShare: 0 });

  it('drives the day on the truck whose fixed and per-km costs make it cheaper', async () => {
    const req: CollectionRequest = {
      ...base,
      vehicleTypes: [
        { id: 'diesel', count: 1, capacityM3: 60, capacityKg: 12_000, shiftMinutes: 720, fixedCost: 0, costPerKm: 10 },
        {
          id: 'electric',
          count: 1,
          capacityM3: 60,
          capacityKg: 12_000,
          shiftMinutes: 720,
          fixedCost: 100,
          costPerKm: 1,
        },
      ],
    };
    const plan = await planCollection(req, opts);
    accountsForEveryMustBin(req, plan);
    expect(plan.trucks.map((t) => t.truck)).toEqual(['electric-1']);
    expect(plan.trucks[0].vehicleType).toBe('electric');
    expect(plan.cost).toBeCloseTo(100 + plan.distanceKm, 6);
    expect(plan.distanceKm).toBeGreaterThan(12);
    const dieselOnly = await planCollection({ ...req, vehicleTypes: [req.vehicleTypes![0]] }, opts);
    expect(dieselOnly.cost).toBeGreaterThan(plan.cost);
  });

  it('uses one truck when each costs a fixed amount per day and one can do the work', async () => {
    const req: CollectionRequest = {
      ...base,
      vehicleTypes: [
        { id: 'rcv', count: 3, capacityM3: 60, capacityKg: 12_000, shiftMinutes: 900, fixedCost: 1000, costPerKm: 1 },
      ],
    };
    const plan = await planCollection(req, opts);
    accountsForEveryMustBin(req, plan);
    expect(plan.trucks).toHaveLength(1);
  });

  it('never plans more trucks of a type than its count: bins beyond them are listed with the reason', async () => {
    const req: CollectionRequest = {
      ...generateCollectionDay({ bins: 120, trucks: 0, seed: 5, windowShare: 0 }),
      vehicleTypes: [
        { id: 'small', count: 1, capacityM3: 8, capacityKg: 3000, shiftMinutes: 120, fixedCost: 50, costPerKm: 1 },
        { id: 'large', count: 1, capacityM3: 40, capacityKg: 9000, shiftMinutes: 120, fixedCost: 200, costPerKm: 2 },
      ],
    };
    const plan = await planCollection(req, opts);
    accountsForEveryMustBin(req, plan);
    for (const type of ['small', 'large'])
      expect(plan.trucks.filter((t) => t.vehicleType === type).length).toBeLessThanOrEqual(1);
    expect(plan.unassigned.some((u) => u.mustCollect && u.reason === 'no truck time left')).toBe(true);
  });

  it('the checker rejects a truck beyond its type count, a wrong cost and a return after the depot closes', async () => {
    const req: CollectionRequest = {
      ...base,
      depot: { ...base.depot, openingHours: { start: 300, end: 1200 } },
      vehicleTypes: [{ id: 'rcv', count: 1, capacityM3: 60, capacityKg: 12_000, shiftMinutes: 720, fixedCost: 80 }],
    };
    const plan = await planCollection(req, opts);
    expect(checkCollectionPlan(req, plan)).toEqual([]);
    const truck = plan.trucks[0];
    const twice = { ...plan, trucks: [truck, { ...truck, truck: 'rcv-2' }] };
    expect(checkCollectionPlan(req, twice)).toContain('unknown truck rcv-2');
    expect(checkCollectionPlan(req, { ...plan, trucks: [truck, truck] })).toContain(
      'truck rcv-1 has two plans (one truck, one day)',
    );
    const cheap = { ...plan, trucks: [{ ...truck, cost: truck.cost - 80 }] };
    expect(checkCollectionPlan(req, cheap).some((v) => v.includes('its fixed and per-km costs make'))).toBe(true);
    const early = { ...req, depot: { ...req.depot, openingHours: { start: 300, end: 400 } } };
    expect(checkCollectionPlan(early, plan).some((v) => v.includes('after the depot closes at 400'))).toBe(true);
  });
});

describe('planCollection with time windows', () => {
  it('keeps bin access windows, service times and depot hours, and says which bins it left and why', async () => {
    const day = generateCollectionDay({ bins: 50, trucks: 3, seed: 11, windowShare: 0 });
    const windows = [
      { start: 480, end: 540 },
      { start: 600, end: 660 },
      { start: 720, end: 780 },
    ];
    const bins = day.bins.map((b, i) => ({
      ...b,
      fill: 0.9,
      forecastFill: 1.1,
      serviceSeconds: 120 + (i % 4) * 60,
      ...(i % 3 === 0 ? { timeWindow: windows[i % windows.length] } : { timeWindow: undefined }),
    }));
    // Opens its gate at 07:00, so a window closing at 07:05 cannot be met by any truck.
    bins[1] = { ...bins[1], id: 'too-early', timeWindow: { start: 360, end: 425 } };
    const req: CollectionRequest = {
      ...day,
      bins,
      shiftStart: 360,
      depot: { ...day.depot, openingHours: { start: 420, end: 1080 } },
    };
    const plan = await planCollection(req, opts);
    accountsForEveryMustBin(req, plan);
    const left = plan.unassigned.find((u) => u.bin === 'too-early');
    expect(left).toMatchObject({ mustCollect: true, reason: 'time window cannot be met' });
    expect(left?.detail).toMatch(/earliest arrival from the depot is 07:\d\d, after the window 06:00-07:05 closes/);
    for (const t of plan.trucks) {
      expect(t.stops[0].departure).toBeGreaterThanOrEqual(420);
      expect(t.stops[t.stops.length - 1].arrival).toBeLessThanOrEqual(1080);
    }
    const byId = new Map(bins.map((b) => [b.id, b]));
    let windowedServed = 0;
    for (const t of plan.trucks)
      for (const s of t.stops) {
        const w = s.kind === 'bin' ? byId.get(s.id)?.timeWindow : undefined;
        if (!w) continue;
        windowedServed++;
        expect(s.arrival).toBeLessThanOrEqual(w.end + 1e-6);
        expect(s.departure).toBeGreaterThanOrEqual(
          Math.max(s.arrival, w.start) + byId.get(s.id)!.serviceSeconds / 60 - 1e-6,
        );
      }
    expect(windowedServed).toBeGreaterThan(10);
  });

  it('reports windowed bins a lone truck cannot reach in time instead of dropping them silently', async () => {
    const day = generateCollectionDay({ bins: 30, trucks: 1, seed: 12, windowShare: 0 });
    // Every bin must go and every window is the same short half hour: one truck cannot serve them all.
    const bins = day.bins.map((b) => ({ ...b, fill: 0.9, forecastFill: 1.2, timeWindow: { start: 420, end: 450 } }));
    const req: CollectionRequest = { ...day, bins };
    const plan = await planCollection(req, opts);
    accountsForEveryMustBin(req, plan);
    const late = plan.unassigned.filter((u) => u.reason === 'time window cannot be met');
    expect(late.length).toBeGreaterThan(0);
    expect(binsRouted(plan).length).toBeGreaterThan(0);
    expect(binsRouted(plan).length + plan.unassigned.length).toBe(plan.mustCollect.length + plan.optional.length);
  });
});

describe('planCollection with a travel matrix and windows', () => {
  it('lists a windowed bin whose trip from the depot cannot fit a shift, though one from the disposal site could', async () => {
    const day = generateCollectionDay({ bins: 3, trucks: 1, seed: 2, windowShare: 0 });
    const bins: CollectionBin[] = day.bins.map((b) => ({ ...b, fill: 0.9, forecastFill: 1.2, volumeL: 240 }));
    bins[0] = { ...bins[0], timeWindow: { start: 360, end: 2000 } };
    const ids = ['depot', ...day.disposalSites.map((s) => s.id), ...bins.map((b) => b.id)];
    // The first bin is 5 minutes from everything but 700 from the depot.
    const minutes = ids.map((a, i) =>
      ids.map((b, j) => (i === j ? 0 : (a === 'depot' || b === 'depot') && (i === 3 || j === 3) ? 700 : 5)),
    );
    const req: CollectionRequest = {
      ...day,
      bins,
      trucks: [{ id: 't', capacityM3: 50, capacityKg: 9000, shiftMinutes: 600 }],
      matrix: { ids, minutes, km: minutes },
    };
    const plan = await planCollection(req, opts);
    accountsForEveryMustBin(req, plan);
    expect(plan.unassigned).toContainEqual({ bin: bins[0].id, mustCollect: true, reason: 'no truck time left' });
    expect(binsRouted(plan).sort()).toEqual([bins[1].id, bins[2].id].sort());
  });
});

describe('the city file: depot fleets and opening hours', () => {
  const levels = (ids: string[]): Map<string, BinLevel> =>
    new Map(ids.map((id, i) => [id, { fill: 0.4 + (i % 5) * 0.1, forecastFill: 0.7 + (i % 4) * 0.15 }]));

  it('a depot fleet and opening hours become the request and plan within the checker', async () => {
    const city = structuredClone(generateCity({ seed: 4, bins: 40, depots: 1, trucksPerDepot: 0 }));
    city.waste.depots[0].openingHours = { start: '06:30', end: '17:00' };
    city.waste.depots[0].fleet = [
      {
        id: 'side-loader',
        count: 2,
        capacityM3: 20,
        capacityKg: 6000,
        shiftMinutes: 480,
        fixedCost: 120,
        costPerKm: 1.5,
      },
      {
        id: 'rear-loader',
        count: 1,
        capacityM3: 40,
        capacityKg: 11_000,
        shiftMinutes: 540,
        fixedCost: 200,
        costPerKm: 2,
      },
    ];
    expect(cityErrors(city)).toEqual([]);
    const req = collectionRequestForDepot(city.waste, 'depot-1', levels(city.waste.bins.map((b) => b.id)), '06:00');
    expect(req.depot.openingHours).toEqual({ start: 390, end: 1020 });
    expect(req.vehicleTypes?.map((t) => t.id)).toEqual(['side-loader', 'rear-loader']);
    const plan = await planCollection(req, opts);
    accountsForEveryMustBin(req, plan);
    expect(plan.trucks.length).toBeGreaterThan(0);
    for (const t of plan.trucks) expect(['side-loader', 'rear-loader']).toContain(t.vehicleType);
  });

  it('the city checks refuse a fleet whose trucks clash with listed trucks and hours that close before they open', () => {
    const city = structuredClone(generateCity({ seed: 4, bins: 10, depots: 1, trucksPerDepot: 1 }));
    const truck = city.waste.trucks[0];
    city.waste.depots[0].openingHours = { start: '17:00', end: '06:00' };
    city.waste.depots[0].fleet = [
      { id: truck.id.replace(/-\d+$/, ''), count: 9, capacityM3: 20, capacityKg: 6000, shiftMinutes: 480 },
    ];
    const messages = cityErrors(city).map((e) => `${e.path}: ${e.message}`);
    expect(messages).toContain('waste.depots[0].openingHours.end: must be after openingHours.start');
    expect(messages.some((m) => m.startsWith('waste.depots[0].fleet[0].id: its truck'))).toBe(true);
    const unknownField = structuredClone(city);
    (unknownField.waste.depots[0].fleet![0] as Record<string, unknown>).wheels = 6;
    expect(cityErrors(unknownField).some((e) => e.path.includes('fleet/0') || e.path.includes('fleet[0]'))).toBe(true);
  });
});
