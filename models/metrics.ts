// Forecast accuracy measures: MAE, sMAPE, MASE and prediction-interval coverage.

/** Mean absolute error of the in-sample seasonal-naive forecast: the MASE denominator. */
export function naiveScale(history: ArrayLike<number>, season: number): number {
  let s = 0;
  let c = 0;
  for (let t = season; t < history.length; t++) {
    s += Math.abs(history[t] - history[t - season]);
    c++;
  }
  return c > 0 ? s / c : NaN;
}

export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i] - forecast[i]);
  return s / actual.length;
}

/** Symmetric MAPE in percent; steps where actual and forecast are both 0 count as 0 error. */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]) + Math.abs(forecast[i]);
    if (d > 0) s += (200 * Math.abs(actual[i] - forecast[i])) / d;
  }
  return s / actual.length;
}

/** Share (0–1) of actuals inside [lower, upper]. */
export function coverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] >= lower[i] && actual[i] <= upper[i]) c++;
  return c / actual.length;
}
