// Which bins go on today's routes: must-collect bins from the fill forecast, optional ones with an urgency value.
import { inputError } from '../../../src/errors.js';
import type { CollectionBin } from './types.js';

export interface BinSelection {
  /** Bins that would pass their threshold (or overflow) before the next service day if skipped. */
  readonly must: CollectionBin[];
  /** Bins above the optional level, each with an urgency in (0, 1]. */
  readonly optional: { bin: CollectionBin; urgency: number }[];
}

export function selectBins(bins: readonly CollectionBin[], optionalLevel: number): BinSelection {
  const must: CollectionBin[] = [];
  const optional: { bin: CollectionBin; urgency: number }[] = [];
  bins.forEach((b, i) => {
    for (const field of ['fill', 'forecastFill', 'threshold'] as const) {
      if (!Number.isFinite(b[field]) || b[field] < 0)
        throw inputError(`bins[${i}] (${b.id}): ${field} must be a non-negative number`, {
          path: `bins[${i}].${field}`,
        });
    }
    if (b.forecastFill >= b.threshold || b.fill >= b.threshold) must.push(b);
    else if (b.fill >= optionalLevel) optional.push({ bin: b, urgency: Math.min(1, b.forecastFill / b.threshold) });
  });
  return { must, optional };
}
