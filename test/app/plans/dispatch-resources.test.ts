// City DR resources named in a dispatch request ({ ref }, { feeder }) resolved into request resources for the event.
import { describe, expect, it } from 'vitest';
import { resolveCityResources } from '../../../src/app/plans/dispatch-resources.js';
import { loadSampleCity } from '../../../src/city/index.js';
import { isUrbanflowError } from '../../../src/errors.js';
import {
  checkDispatchInput,
  checkDispatchRules,
  dispatchProblem,
  solveDispatch,
} from '../../../solvers/dispatch/index.js';
import { checkDispatchPlan as checkPlan } from '../../../solvers/dispatch/index.js';

const city = loadSampleCity();
const fdr = city.feeders[0];
const byType = (t: string) => fdr.resources.find((r) => r.type === t)!;

/** A Wednesday afternoon in Chicago (CDT, UTC-5): 16:00-20:00 local. */
function request(resources: unknown[], extra: Record<string, unknown> = {}) {
  return checkDispatchInput({
    event: { start: '2026-07-01T21:00:00Z', intervalMinutes: 30, count: 8 },
    targetKW: [500, 500, 800, 800, 800, 800, 500, 500],
    resources,
    ...extra,
  });
}

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isUrbanflowError(err)) return String(err.details.field);
    throw err;
  }
  throw new Error('accepted');
}

describe('resolveCityResources', () => {
  it('turns a referenced HVAC group, battery and industrial load into request resources for the event', () => {
    const hvac = byType('hvac');
    const battery = byType('battery');
    const industrial = byType('industrial');
    const { request: r, taken } = resolveCityResources(
      request([{ ref: hvac.id }, { ref: battery.id, socKWh: 1000 }, { ref: industrial.id }]),
      city,
    );
    expect(taken.map((t) => [t.id, t.via])).toEqual([
      [hvac.id, 'ref'],
      [battery.id, 'ref'],
      [industrial.id, 'ref'],
    ]);
    const [h, b, i] = r.resources as Record<string, any>[];
    expect(h).toMatchObject({
      id: hvac.id,
      kind: 'hvac',
      shedKW: (hvac as any).shedKW,
      maxDurationMinutes: (hvac as any).maxDurationMinutes,
      costPerKWh: hvac.costPerKWh,
    });
    expect(h.feeder).toBeUndefined();
    // 10:00-21:00 on weekdays, Chicago time: 15:00Z to 02:00Z next day in July.
    expect(h.availability).toContainEqual({ start: '2026-07-01T15:00:00.000Z', end: '2026-07-02T02:00:00.000Z' });
    expect(h.rampKWPerInterval).toBe((hvac.rampKWPerMinute ?? 0) * 30);
    expect(h.maxEvents).toBe(hvac.maxEventsPerDay);
    expect(b).toMatchObject({ kind: 'battery', socKWh: 1000, powerKW: (battery as any).powerKW });
    expect(b.energyKWh).toBeCloseTo((battery as any).energyKWh * ((battery as any).socMax ?? 1));
    expect(i).toMatchObject({
      kind: 'industrial',
      minKW: (industrial as any).minKW,
      maxKW: (industrial as any).maxKW,
      noticeMinutes: (industrial as any).noticeMinutes,
    });
  });

  it('takes all of a feeder, attached to it when the request lists the feeder, leaving out EV fleets without a baseline', async () => {
    const ev = byType('ev');
    const req = request([{ feeder: fdr.id }, { ref: ev.id, baselineKW: 300 }], {
      feeders: [{ id: fdr.id, maxReductionKW: 3000 }],
    });
    const { request: r, taken, leftOut } = resolveCityResources(req, city);
    const evs = fdr.resources.filter((x) => x.type === 'ev');
    expect(taken).toHaveLength(fdr.resources.length - evs.length + 1);
    expect(taken.find((t) => t.id === ev.id)?.via).toBe('ref');
    expect(leftOut.map((l) => l.id)).toEqual(evs.filter((x) => x.id !== ev.id).map((x) => x.id));
    expect(r.resources.every((x) => x.feeder === fdr.id)).toBe(true);
    const e = r.resources.find((x) => x.id === ev.id) as Record<string, any>;
    // The fleet's 07:00 local deadline after a 16:00 start is the next morning, 12:00Z.
    expect(e.deadline).toBe('2026-07-02T12:00:00.000Z');
    checkDispatchRules(r);
    const plan = await solveDispatch(dispatchProblem(r));
    expect(checkPlan(r, plan)).toEqual([]);
  });

  it('refuses unknown ids and feeders, naming every one', () => {
    try {
      resolveCityResources(request([{ ref: 'bat-999' }, { ref: fdr.resources[0].id }, { feeder: 'fdr-999' }]), city);
      throw new Error('accepted');
    } catch (err) {
      expect(isUrbanflowError(err) && err.details.field).toBe('resources[0].ref');
      expect((err as Error).message).toContain('"bat-999"');
      expect((err as Error).message).toContain('resources[2].feeder "fdr-999"');
    }
  });

  it('refuses an EV fleet named without its baseline', () => {
    expect(fieldOf(() => resolveCityResources(request([{ ref: byType('ev').id }]), city))).toBe(
      'resources[0].baselineKW',
    );
  });

  it('leaves a request without references as it is', () => {
    const req = request([{ id: 'x', kind: 'industrial', maxKW: 10 }]);
    expect(resolveCityResources(req, city).request).toBe(req);
  });
});
