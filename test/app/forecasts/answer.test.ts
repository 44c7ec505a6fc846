// A live answer names the model that forecast: the candidate the series forecaster chose, not a fixed label.
import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import {
  ForecastAnswerSchema,
  SeriesHistory,
  answerForecast,
  buildFitTask,
  resolveKinds,
  runFit,
  type ModelRecord,
} from '../../../src/app/forecasts/index.js';
import type { SeriesMethod } from '../../../models/index.js';
import { syntheticDemand } from '../../../models/synthetic.js';
import type { OperatorSpec } from '../../../src/stream/index.js';

const STEP = 1_800_000;
const operators = [
  {
    name: 'feeder-kw-30m',
    metric: 'kw',
    keyBy: 'feeder',
    window: { type: 'tumbling', sizeMs: STEP },
    aggregates: ['mean'],
    allowedLatenessMs: 0,
  },
] as unknown as OperatorSpec[];
const feeder = resolveKinds(operators).kinds.find((k) => k.kind === 'feeder')!;
const d = syntheticDemand({ startMs: Date.UTC(2025, 0, 6), stepMs: STEP, days: 21, seed: 5 });
const history = new SeriesHistory(feeder.historySteps, feeder.maxGapSteps);
const firstIdx = d.startMs / STEP;
d.values.forEach((v, i) => history.put(firstIdx + i, v));
const lastMs = (firstIdx + d.values.length - 1) * STEP;
const fit = buildFitTask(feeder, 'f', history, 0, [])!;
const fitted = runFit(fit.task);
if (fitted.kind !== 'feeder-load') throw new Error('expected a feeder model');
const model = fitted;

function answer(method: SeriesMethod) {
  const record: ModelRecord = {
    model: { ...model, series: { ...model.series, method } },
    data: fit.data,
    fittedAtMs: lastMs,
    fitMs: 1,
    threadId: 0,
  };
  return answerForecast({
    kind: feeder,
    id: 'f',
    history,
    record,
    nowMs: lastMs + STEP,
    fromMs: lastMs + STEP,
    horizonMs: 6 * 3_600_000,
  });
}

describe('answerForecast', () => {
  it("names the fitted model's chosen method", () => {
    const a = answerForecast({
      kind: feeder,
      id: 'f',
      history,
      record: { model, data: fit.data, fittedAtMs: lastMs, fitMs: 1, threadId: 0 },
      nowMs: lastMs + STEP,
      fromMs: lastMs + STEP,
      horizonMs: 6 * 3_600_000,
    });
    expect(a.status).toBe('ready');
    if (a.status === 'ready') expect(a.method).toBe(model.series.method);
  });

  it('names whichever method the series model holds, and the answer validates against its schema', () => {
    for (const method of ['seasonal-arx', 'seasonal-naive'] as SeriesMethod[]) {
      const a = answer(method);
      expect(a.status).toBe('ready');
      if (a.status === 'ready') expect(a.method).toBe(method);
      expect(Value.Check(ForecastAnswerSchema, a)).toBe(true);
    }
  });
});
