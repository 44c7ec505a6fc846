import { describe, expect, it } from 'vitest';
import { validateDispatchRequest } from '../../../solvers/dispatch/index.js';
import { isUrbanflowError } from '../../../src/errors.js';
import { request, START } from './helpers.js';

function fieldOf(raw: unknown): string {
  try {
    validateDispatchRequest(raw);
  } catch (err) {
    if (isUrbanflowError(err) && err.code === 'UF_ERR_INPUT') return String(err.details.field);
    throw err;
  }
  throw new Error('request was accepted');
}

const industrial = { id: 'mill', kind: 'industrial', maxKW: 100, costPerKWh: 0.2 };

describe('validateDispatchRequest', () => {
  it('accepts a regular event and resolves its intervals', () => {
    const p = validateDispatchRequest(request([industrial], [10, 20]));
    expect(Array.from(p.hours)).toEqual([0.25, 0.25]);
    expect(p.endMs[1] - p.startMs[0]).toBe(30 * 60_000);
  });

  it('rejects negative capacities naming the field', () => {
    expect(fieldOf(request([{ ...industrial, maxKW: -5 }], [10]))).toBe('resources[0].maxKW');
    expect(fieldOf(request([{ id: 'b', kind: 'battery', powerKW: -1, energyKWh: 10, socKWh: 5 }], [10]))).toBe(
      'resources[0].powerKW',
    );
  });

  it('rejects overlapping and unsorted intervals', () => {
    const base = { targetKW: [1, 1], resources: [industrial] };
    const overlapping = {
      ...base,
      intervals: [
        { start: START, end: '2026-07-01T16:30:00Z' },
        { start: '2026-07-01T16:15:00Z', end: '2026-07-01T16:45:00Z' },
      ],
    };
    const unsorted = {
      ...base,
      intervals: [
        { start: '2026-07-01T16:15:00Z', end: '2026-07-01T16:30:00Z' },
        { start: START, end: '2026-07-01T16:15:00Z' },
      ],
    };
    expect(fieldOf(overlapping)).toBe('intervals[1]');
    expect(fieldOf(unsorted)).toBe('intervals[1]');
    expect(fieldOf({ ...base, targetKW: [1], intervals: [{ start: START, end: START }] })).toBe('intervals[0]');
  });

  it('rejects overlapping availability windows', () => {
    const availability = [
      { start: START, end: '2026-07-01T17:00:00Z' },
      { start: '2026-07-01T16:30:00Z', end: '2026-07-01T18:00:00Z' },
    ];
    expect(fieldOf(request([{ ...industrial, availability }], [1]))).toBe('resources[0].availability[1]');
  });

  it('rejects unknown feeders, listing the known ones', () => {
    try {
      validateDispatchRequest(request([{ ...industrial, feeder: 'F9' }], [10], { feeders: [{ id: 'F1' }] }));
      throw new Error('accepted');
    } catch (err) {
      expect(isUrbanflowError(err) && err.details.field).toBe('resources[0].feeder');
      expect((err as Error).message).toContain('F1');
    }
  });

  it('rejects a target of the wrong length, a missing target, a cap without forecast, an unknown kind, duplicate ids', () => {
    expect(fieldOf(request([industrial], [10, 20], { targetKW: [1] }))).toBe('targetKW');
    expect(fieldOf({ event: { start: START, intervalMinutes: 15, count: 2 }, resources: [industrial] })).toBe(
      'targetKW',
    );
    expect(fieldOf(request([industrial], [1], { feeders: [{ id: 'F1', capKW: 100 }] }))).toBe('feeders[0].forecastKW');
    expect(fieldOf(request([{ ...industrial, kind: 'nuclear' }], [1]))).toBe('resources[0].kind');
    expect(fieldOf(request([industrial, industrial], [1]))).toBe('resources[1].id');
    expect(fieldOf(request([{ ...industrial, minKW: 200 }], [1]))).toBe('resources[0].minKW');
    expect(
      fieldOf({ ...request([industrial], [1]), event: { start: 'yesterday', intervalMinutes: 15, count: 1 } }),
    ).toBe('event.start');
  });
});

describe('validateDispatchRequest solve settings', () => {
  it('takes the MIP gap and time budget from the request, with defaults', () => {
    const p = validateDispatchRequest(request([industrial], [10]));
    expect(p.mipGap).toBe(0.005);
    expect(p.timeLimitSeconds).toBe(120);
    const q = validateDispatchRequest({ ...request([industrial], [10]), mipGap: 0.01, timeLimitSeconds: 5 });
    expect([q.mipGap, q.timeLimitSeconds]).toEqual([0.01, 5]);
  });

  it('names a bad gap or budget', () => {
    expect(fieldOf({ ...request([industrial], [10]), mipGap: -0.1 })).toBe('mipGap');
    expect(fieldOf({ ...request([industrial], [10]), mipGap: 'tight' })).toBe('mipGap');
    expect(fieldOf({ ...request([industrial], [10]), timeLimitSeconds: 0 })).toBe('timeLimitSeconds');
  });
});

describe('validateDispatchRequest bounds and field names (the request schema)', () => {
  it('refuses values outside physical bounds, naming the field', () => {
    const base = request([industrial], [10, 20]);
    const event = base.event as Record<string, unknown>;
    expect(fieldOf({ ...base, event: { ...event, intervalMinutes: 5e-324 } })).toBe('event.intervalMinutes');
    expect(fieldOf({ ...base, event: { ...event, intervalMinutes: 1e15 } })).toBe('event.intervalMinutes');
    expect(fieldOf({ ...base, event: { ...event, intervalMinutes: 2 ** 53 + 1 } })).toBe('event.intervalMinutes');
    expect(fieldOf({ ...base, targetKW: [1e15, 1] })).toBe('targetKW[0]');
    expect(fieldOf({ ...base, feeders: [{ id: 'F', capKW: 10, forecastKW: [1e15, 1] }] })).toBe(
      'feeders[0].forecastKW[0]',
    );
    expect(fieldOf(request([{ ...industrial, costPerKWh: 1e300 }], [1]))).toBe('resources[0].costPerKWh');
    expect(fieldOf(request([{ ...industrial, maxKW: 1e8 }], [1]))).toBe('resources[0].maxKW');
    expect(fieldOf({ ...request([industrial], [1]), shortfallPenaltyPerKWh: 1e30 })).toBe('shortfallPenaltyPerKWh');
  });

  it('refuses unknown and misspelled fields with the closest known name', () => {
    const err = (raw: unknown) => {
      try {
        validateDispatchRequest(raw);
      } catch (e) {
        return e as Error & { details: Record<string, unknown> };
      }
      throw new Error('accepted');
    };
    const ramp = err(request([{ ...industrial, rampKwPerInterval: 5 }], [1]));
    expect(ramp.details.field).toBe('resources[0].rampKwPerInterval');
    expect(ramp.message).toContain('did you mean rampKWPerInterval');
    const top = err({ ...request([industrial], [1]), shortfallPenaltyPerKwh: 5 });
    expect(top.details.field).toBe('shortfallPenaltyPerKwh');
    expect(top.message).toContain('did you mean shortfallPenaltyPerKWh');
    expect(err({ ...request([industrial], [1]), colour: 'red' }).details.field).toBe('colour');
  });

  it('refuses an empty resource list', () => {
    expect(fieldOf(request([], [1]))).toBe('resources');
  });

  it('names the field of the variant a resource meant (its kind), not the union', () => {
    expect(fieldOf(request([{ id: 'b', kind: 'battery', powerKW: 10, energyKWh: 10 }], [1]))).toBe(
      'resources[0].socKWh',
    );
    expect(
      fieldOf(
        request([{ id: 'e', kind: 'ev', baselineKW: 'lots', maxChargeKW: 1, shiftableKWh: 1, deadline: START }], [1]),
      ),
    ).toBe('resources[0].baselineKW');
  });

  it('asks for the kind of a resource that says nothing of what it is', () => {
    expect(fieldOf(request([{}], [1]))).toBe('resources[0].kind');
  });

  it('refuses city references where no city can resolve them', () => {
    expect(fieldOf(request([{ ref: 'fdr-001-r01' }], [1]))).toBe('resources[0]');
    expect(fieldOf(request([{ feeder: 'fdr-001' }], [1]))).toBe('resources[0]');
  });
});
