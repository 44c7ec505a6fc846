// Refit tasks: the holidays a task carries reach the fitted model, saved models of the older shape are recognised,
// and the model JSON a worker writes is saved as the record's own JSON.
import { describe, expect, it } from 'vitest';
import { isCurrentModel, runFit } from '../../../src/app/forecasts/fit-task.js';
import { modelRecordJson } from '../../../src/app/forecasts/persistence.js';
import refitBatch from '../../../src/app/forecasts/refit-worker.js';
import { holidayDays } from '../../../models/calendar.js';
import { syntheticDemand } from '../../../models/synthetic.js';

describe('runFit', () => {
  const d = syntheticDemand({ startMs: Date.UTC(2025, 0, 6), stepMs: 1_800_000, days: 21, seed: 2 });
  const holidays = ['2025-01-20', '2025-02-17'];

  it('fits a feeder with the holidays of its task, as day numbers, in every part of the model', () => {
    const model = runFit({
      kind: 'feeder',
      id: 'f',
      startMs: d.startMs,
      stepMs: d.stepMs,
      values: d.values,
      horizon: 48,
      holidays,
    });
    expect(model.kind).toBe('feeder-load');
    if (model.kind !== 'feeder-load') return;
    expect(model.series.holidays).toEqual(holidayDays(holidays));
    expect(model.series.arx.config.holidays).toEqual(holidayDays(holidays));
    expect(isCurrentModel(model)).toBe(true);
  });

  it('tells a saved model of the older shape (a bare seasonal ARX) from a current one', () => {
    const model = runFit({
      kind: 'laneGroup',
      id: 'i/l',
      startMs: d.startMs,
      stepMs: d.stepMs,
      values: d.values,
      horizon: 4,
      holidays: [],
    });
    expect(isCurrentModel(model)).toBe(true);
    if (model.kind !== 'traffic-flow') throw new Error('expected a traffic-flow model');
    const old = {
      kind: 'traffic-flow',
      groups: [{ id: 'i/l', arx: model.groups[0].series.arx }],
    } as unknown as typeof model;
    expect(isCurrentModel(old)).toBe(false);
    expect(
      isCurrentModel({ kind: 'feeder-load', usesTemperature: false, arx: model.groups[0].series.arx } as never),
    ).toBe(false);
    // Version 1 series models could hold the fixed ARX + decomposition average, a method that no longer exists.
    expect(
      isCurrentModel({
        ...model,
        groups: [
          { ...model.groups[0], series: { ...model.groups[0].series, version: 1, method: 'arx+decomposition' } },
        ],
      } as never),
    ).toBe(false);
  });
});

describe('a fitted model saved from the JSON its worker wrote', () => {
  it('is saved as the same text as the record stringified on the event loop', () => {
    const d = syntheticDemand({ startMs: Date.UTC(2025, 0, 6), stepMs: 1_800_000, days: 14, seed: 5 });
    const [out] = refitBatch([
      { kind: 'feeder', id: 'f', startMs: d.startMs, stepMs: d.stepMs, values: d.values, horizon: 24, holidays: [] },
    ]);
    if (!out.ok) throw new Error(out.message);
    expect(out.modelJson).toBe(JSON.stringify(out.model));
    const data = { fromIdx: 3, toIdx: 674, observations: 670, filled: 2, horizon: 24, shiftMs: -3_600_000 };
    const record = { model: out.model, data, fittedAtMs: Date.UTC(2025, 0, 20, 0, 30), fitMs: 12.345678, threadId: 0 };
    expect(modelRecordJson(record, out.modelJson)).toBe(JSON.stringify(record));
  });
});
