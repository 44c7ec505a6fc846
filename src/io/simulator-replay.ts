// Replays the simulator's output for a past period through the engine at full speed: the history a warm start begins with.
import type { Simulator } from '../sim/index.js';
import type { StreamEngine } from '../stream/index.js';

export interface SimulatorReplayOptions {
  /** The simulator, started at `fromMs` (or not started yet); it ends the replay at `toMs`, ready to go on from there. */
  simulator: Simulator;
  engine: Pick<StreamEngine, 'ingestReadings' | 'tick'>;
  fromMs: number;
  toMs: number;
  /** Simulated time per engine step (default 5 min): results flow to their listeners step by step, as they would live. */
  stepMs?: number;
  /** Called after each step with the simulated time reached: the engine's processing clock while replaying. */
  onProgress: (simulatedMs: number) => void;
  /** Checked before each step: true ends the replay early (shutdown). */
  stopped?: () => boolean;
}

export interface ReplayStats {
  fromMs: number;
  /** Simulated time reached: `toMs` unless stopped early. */
  toMs: number;
  readings: number;
  /** Wall-clock time the replay took. */
  wallMs: number;
}

/**
 * Steps the simulator from `fromMs` to `toMs` and feeds every reading to the engine, as the paced source would,
 * only without waiting for the wall clock. Between steps it yields to the event loop, so the API keeps answering.
 */
export async function replaySimulator(o: SimulatorReplayOptions): Promise<ReplayStats> {
  const stepMs = o.stepMs ?? 300_000;
  const started = performance.now();
  let readings = 0;
  let at = o.fromMs;
  while (at < o.toMs && !(o.stopped?.() ?? false)) {
    const to = Math.min(o.toMs, at + stepMs);
    const batch = o.simulator.step(at, to);
    at = to;
    // The clock moves before the readings go in: they were sent before it, as live.
    o.onProgress(at);
    readings += batch.length;
    if (batch.length > 0) await o.engine.ingestReadings(batch, 'simulator');
    await o.engine.tick();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { fromMs: o.fromMs, toMs: at, readings, wallMs: performance.now() - started };
}
