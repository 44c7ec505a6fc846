// When a series is due for a refit: first as soon as its history allows, then on the kind's schedule or when it has grown.

export interface RefitState {
  /** Usable steps now (after the last long gap). */
  usable: number;
  /** Usable steps a fit needs. */
  required: number;
  model: { fittedAtMs: number; usable: number } | null;
  inFlight: boolean;
  lastErrorAtMs: number | null;
}

/** A young model is refitted early once history has grown by this factor, so the first week's forecasts improve daily. */
export const GROWTH_FACTOR = 1.5;

/** Priority of a due series (lower first), or null when not due. */
export function refitPriority(s: RefitState, nowMs: number, refitEveryMs: number, historySteps: number): number | null {
  if (s.inFlight || s.usable < s.required) return null;
  // A failing fit is retried after a quarter of the schedule, not on every tick.
  if (s.lastErrorAtMs !== null && nowMs - s.lastErrorAtMs < refitEveryMs / 4) return null;
  if (!s.model) return 0;
  const age = nowMs - s.model.fittedAtMs;
  if (age >= refitEveryMs) return 1;
  const grown = s.model.usable < historySteps && s.usable >= GROWTH_FACTOR * s.model.usable;
  return grown && age >= refitEveryMs / 24 ? 2 : null;
}
