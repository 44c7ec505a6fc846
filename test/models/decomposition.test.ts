// The day-and-week decomposition: the classical remainder AR of the backtest baseline and the model's wider one.
import { describe, expect, it } from 'vitest';
import { fitDecomposition, remainderLags } from '../../models/decomposition.js';
import { gaussian, rng } from '../../models/synthetic.js';

const STEP = 1_800_000;

describe('fitDecomposition', () => {
  it('fits the classical lags for the baseline and the day and week neighbourhoods for the model', () => {
    expect(remainderLags(48, 'classical')).toEqual([1, 2, 3, 48]);
    expect(remainderLags(48, 'neighbours')).toEqual([1, 2, 3, 47, 48, 49, 335, 336, 337]);
    const rand = rng(3);
    const values = Float64Array.from(
      { length: 21 * 48 },
      (_, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / 48) + gaussian(rand),
    );
    const cfg = { stepMs: STEP, season: 48, holidays: [], min: null };
    expect(fitDecomposition(Date.UTC(2025, 0, 6), values, cfg, 'classical').lags).toEqual([1, 2, 3, 48]);
    const wide = fitDecomposition(Date.UTC(2025, 0, 6), values, cfg);
    expect(wide.lags).toEqual([1, 2, 3, 47, 48, 49, 335, 336, 337]);
    expect(wide.tail).toHaveLength(337);
    // Two weeks leave too few rows for the week lags: the model stops at the day's neighbours.
    expect(fitDecomposition(Date.UTC(2025, 0, 6), values.subarray(0, 14 * 48 - 10), cfg).lags).toEqual([
      1, 2, 3, 47, 48, 49,
    ]);
  });
});
