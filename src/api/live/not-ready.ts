// Answers that wait for data: 503 with Retry-After estimated from what is missing, and a problem naming it.
import type { ForecastAnswer } from '../../app/forecasts/index.js';
import { HttpProblem } from '../problem.js';
import type { ServiceTime } from './service-time.js';

/** A series whose forecast an answer needs and does not have yet. */
export interface MissingSeries {
  kind: 'feeder' | 'bin' | 'laneGroup';
  id: string;
  observations: number;
  required: number;
  reason: string;
}

/**
 * Service time until a series can be forecast: in cold start, the windows still missing; otherwise (data stopped
 * arriving) one window, the earliest a new observation can land.
 */
export function waitFor(missing: MissingSeries, stepMs: number): number {
  return Math.max(1, missing.required - missing.observations) * stepMs;
}

export function missingOf(answer: ForecastAnswer): MissingSeries | undefined {
  if (answer.status !== 'not-ready') return undefined;
  return {
    kind: answer.kind,
    id: answer.id,
    observations: answer.observations,
    required: answer.required,
    reason: answer.reason,
  };
}

/** Missing series an answer lists: a depot waits on hundreds of bins, and their count says as much as their ids. */
export const MISSING_LISTED = 5;

/**
 * 503 with Retry-After (wall-clock seconds for `waitMs` of service time), the number of missing series and the
 * first `MISSING_LISTED` of them.
 */
export function notReady(
  time: ServiceTime,
  detail: string,
  waitMs: number,
  missing: MissingSeries[],
  extra: Record<string, unknown> = {},
): HttpProblem {
  const retryAfterSeconds = time.retryAfter(waitMs);
  return new HttpProblem('unavailable', `${detail}; retry in ${retryAfterSeconds} s`, {
    code: 'UF_ERR_NOT_READY',
    retryAfterSeconds,
    missingCount: missing.length,
    missing: missing.slice(0, MISSING_LISTED),
    ...extra,
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}
