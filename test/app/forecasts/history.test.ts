// Series history, gap repair and refit scheduling: the pure pieces under the forecast service.
import { describe, expect, it } from 'vitest';
import { SeriesHistory, fillGaps } from '../../../src/app/forecasts/index.js';
import { GROWTH_FACTOR, refitPriority } from '../../../src/app/forecasts/schedule.js';

describe('SeriesHistory', () => {
  it('replaces a revised step, keeps gaps as NaN and reports each outcome', () => {
    const h = new SeriesHistory(10);
    expect(h.put(100, 1)).toBe('new');
    expect(h.put(101, 2)).toBe('new');
    expect(h.put(104, 5)).toBe('new');
    expect(h.put(101, 2)).toBe('unchanged');
    expect(h.put(101, 2.5)).toBe('revised');
    expect(h.put(103, 4)).toBe('new');
    expect(Array.from(h.slice(99, 105))).toEqual([NaN, 1, 2.5, NaN, 4, 5, NaN]);
    expect(h.observations).toBe(4);
    expect(h.firstIdx).toBe(100);
    expect(h.lastIdx).toBe(104);
  });

  it('keeps at most maxSteps steps, refuses older ones, and accepts late steps within the bound', () => {
    const h = new SeriesHistory(5);
    for (let i = 0; i < 20; i++) h.put(i, i);
    expect(h.firstIdx).toBe(15);
    expect(h.observations).toBe(5);
    expect(h.put(14, 0)).toBe('too-old');
    const g = new SeriesHistory(5);
    g.put(10, 1);
    expect(g.put(8, 2)).toBe('new');
    expect(g.firstIdx).toBe(8);
    expect(Array.from(g.slice(8, 10))).toEqual([2, NaN, 1]);
  });

  it('slices ranges before, across, inside and after the kept steps, NaN where none, after the oldest were dropped', () => {
    const h = new SeriesHistory(6);
    for (let i = 0; i < 200; i++) h.put(i, i * 0.5);
    expect(h.firstIdx).toBe(194);
    expect(Array.from(h.slice(190, 193))).toEqual([NaN, NaN, NaN, NaN]);
    expect(Array.from(h.slice(192, 196))).toEqual([NaN, NaN, 97, 97.5, 98]);
    expect(Array.from(h.slice(196, 197))).toEqual([98, 98.5]);
    expect(Array.from(h.slice(198, 202))).toEqual([99, 99.5, NaN, NaN, NaN]);
    expect(Array.from(h.slice(203, 205))).toEqual([NaN, NaN, NaN]);
    expect(h.slice(5, 4).length).toBe(0);
  });

  it('starts the usable stretch after a gap longer than maxGapSteps, and starts over after one longer than the bound', () => {
    const h = new SeriesHistory(100, 3);
    for (let i = 0; i < 10; i++) h.put(i, 1);
    h.put(13, 1);
    expect(h.usableFromIdx).toBe(0);
    h.put(18, 1);
    expect(h.usableFromIdx).toBe(18);
    expect(h.usableLength).toBe(1);
    h.put(500, 7);
    expect(h.firstIdx).toBe(500);
    expect(h.observations).toBe(1);
  });

  it('tracks the oldest step changed since the last save and restores from a snapshot', () => {
    const h = new SeriesHistory(50, 4);
    for (let i = 0; i < 30; i++) if (i % 7 !== 3) h.put(i, i * 2);
    h.markPersisted();
    expect(h.dirtyFrom).toBe(Infinity);
    h.put(24, -1);
    h.put(31, 5);
    expect(h.dirtyFrom).toBe(24);
    const back = SeriesHistory.restore(50, 4, h.snapshot());
    expect(Array.from(back.slice(0, 31))).toEqual(Array.from(h.slice(0, 31)));
    expect(back.usableFromIdx).toBe(h.usableFromIdx);
    expect(back.observations).toBe(h.observations);
  });
});

describe('fillGaps', () => {
  const nan = NaN;
  it('interpolates short gaps and copies the day before across long ones', () => {
    const season = 24;
    const v = new Float64Array(72);
    for (let i = 0; i < 72; i++) v[i] = 10 + (i % 24);
    v[30] = nan;
    v[31] = nan;
    for (let i = 50; i < 60; i++) v[i] = nan;
    const { values, filled } = fillGaps(v, 'interpolate', season);
    expect(filled).toBe(12);
    expect(values[30]).toBeCloseTo(10 + 6, 9);
    expect(values[31]).toBeCloseTo(10 + 7, 9);
    for (let i = 50; i < 60; i++) expect(values[i]).toBe(values[i - 24]);
  });

  it('carries levels forward so an emptying during a gap stays one drop', () => {
    const { values, filled } = fillGaps(Float64Array.from([40, 50, nan, nan, 5, 8]), 'carry-forward', 24);
    expect(Array.from(values)).toEqual([40, 50, 50, 50, 5, 8]);
    expect(filled).toBe(2);
  });
});

describe('refit schedule', () => {
  const base = { usable: 500, required: 300, model: null, inFlight: false, lastErrorAtMs: null };
  const DAY = 86_400_000;
  it('fits first as soon as history allows, then daily, early when history has grown', () => {
    expect(refitPriority({ ...base, usable: 299 }, 0, DAY, 4000)).toBeNull();
    expect(refitPriority(base, 0, DAY, 4000)).toBe(0);
    expect(refitPriority({ ...base, inFlight: true }, 0, DAY, 4000)).toBeNull();
    const model = { fittedAtMs: 0, usable: 400 };
    expect(refitPriority({ ...base, model }, DAY / 2, DAY, 4000)).toBeNull();
    expect(refitPriority({ ...base, model }, DAY, DAY, 4000)).toBe(1);
    expect(refitPriority({ ...base, usable: Math.ceil(400 * GROWTH_FACTOR), model }, DAY / 12, DAY, 4000)).toBe(2);
    expect(
      refitPriority({ ...base, usable: 4000, model: { fittedAtMs: 0, usable: 4000 } }, DAY / 12, DAY, 4000),
    ).toBeNull();
  });

  it('backs off after a failed fit', () => {
    expect(refitPriority({ ...base, lastErrorAtMs: 0 }, DAY / 8, DAY, 4000)).toBeNull();
    expect(refitPriority({ ...base, lastErrorAtMs: 0 }, DAY / 4, DAY, 4000)).toBe(0);
  });
});
