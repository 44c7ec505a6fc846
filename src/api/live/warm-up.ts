// Live answers while the service replays its recent history at start: 503 saying how far the replay is, never answers on part of it.
import { HttpProblem } from '../problem.js';

/** How far a replay of history is (`SimulatorSource.replayProgress()`). */
export interface WarmUpProgress {
  /** Service time the replay started at and runs to. */
  fromMs: number;
  toMs: number;
  /** Service time replayed so far. */
  atMs: number;
  /** Wall-clock time the replay has taken so far. */
  elapsedWallMs: number;
}

const HOUR = 3_600_000;

/** Wall-clock seconds until the replay ends, at the pace it has gone so far (10 s until that pace is known). */
export function warmUpSeconds(p: WarmUpProgress): number {
  const done = p.atMs - p.fromMs;
  if (done <= 0 || p.elapsedWallMs <= 0) return 10;
  return Math.max(1, Math.ceil(((p.toMs - p.atMs) / done) * (p.elapsedWallMs / 1000)));
}

export function warmUpProblem(p: WarmUpProgress): HttpProblem {
  const retryAfterSeconds = warmUpSeconds(p);
  const hours = (ms: number) => Math.round((ms / HOUR) * 10) / 10;
  return new HttpProblem(
    'unavailable',
    `replaying the last ${hours(p.toMs - p.fromMs)} h of the simulated city before going live (${hours(p.atMs - p.fromMs)} h done); forecasts and plans follow at once; retry in ${retryAfterSeconds} s`,
    {
      code: 'UF_ERR_NOT_READY',
      retryAfterSeconds,
      warmUp: { fromMs: p.fromMs, toMs: p.toMs, atMs: p.atMs },
      headers: { 'retry-after': String(retryAfterSeconds) },
    },
  );
}
