// Checks on series handed to the fitters: a NaN in means a NaN forecast out, so it is refused with its index.
import { inputError } from '../src/errors.js';

/** Fitting needs every value: callers fill gaps first (the CSV reader interpolates them and says so). */
export function assertFinite(values: ArrayLike<number>, field: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw inputError(`${field}[${i}] is ${values[i]}: fill or drop missing values before fitting`, {
        field,
        index: i,
      });
  }
}
