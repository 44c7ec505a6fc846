// Gap repair before fitting or appending: the models need every step, and windows without readings are never emitted.

export interface Filled {
  values: Float64Array;
  /** Steps that had no value and were filled. */
  filled: number;
}

/**
 * Fills interior NaNs of `values` (whose first and last entries are values). `carry-forward` repeats the
 * last value, so a bin emptied during a gap still shows one drop. `interpolate` draws a line across gaps
 * up to a twelfth of a season, and copies the value one season earlier across longer ones, since a line
 * through a missing afternoon peak would be read as a flat afternoon.
 */
export function fillGaps(values: Float64Array, policy: 'interpolate' | 'carry-forward', season: number): Filled {
  const out = values.slice(); // a block copy: Float64Array.from iterates value by value
  const maxLine = Math.max(2, Math.floor(season / 12));
  let filled = 0;
  let i = 0;
  while (i < out.length) {
    if (out[i] === out[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < out.length && out[j] !== out[j]) j++;
    const before = i > 0 ? out[i - 1] : NaN;
    const after = j < out.length ? out[j] : NaN;
    for (let k = i; k < j; k++) {
      if (policy === 'carry-forward' || after !== after) out[k] = before === before ? before : after;
      else if (before !== before) out[k] = after;
      else if (j - i <= maxLine || k < season) out[k] = before + ((after - before) * (k - i + 1)) / (j - i + 1);
      else out[k] = out[k - season];
    }
    filled += j - i;
    i = j;
  }
  return { values: out, filled };
}
