// Feeds the engine from the embedded simulator, paced by the wall clock times a speed-up factor, after an optional replay of its recent past.
import type { Simulator } from '../sim/index.js';
import type { StreamEngine } from '../stream/index.js';
import { replaySimulator, type ReplayStats } from './simulator-replay.js';

export type { ReplayStats } from './simulator-replay.js';

export interface ReplayProgress {
  fromMs: number;
  toMs: number;
  atMs: number;
  elapsedWallMs: number;
}

export interface SimulatorSourceOptions {
  /** Started at `replayFromMs` when there is a replay, else at `startMs`. */
  simulator: Simulator;
  engine: StreamEngine;
  /** Simulated time at which pacing starts: "now" of the simulated city. */
  startMs: number;
  /**
   * Warm start: the simulator's output from here up to `startMs` goes through the engine first, at full speed, so
   * windows, forecasts and plans have a history when pacing starts. Absent (or not before `startMs`): a cold start.
   */
  replayFromMs?: number;
  /** Simulated milliseconds per wall-clock millisecond. */
  speed: number;
  tickMs?: number;
  onError: (err: Error) => void;
}

export interface SimulatorSource {
  /** The simulated time now, at the simulator's pace (service time for the live layer; the replay's progress while it runs). */
  now(): number;
  /**
   * The simulated time the simulator has handed to the engine: the engine's ingest clock. It stands still while the
   * process cannot run the simulator (an event-loop stall), so a stall never makes the simulator look idle to the
   * watermark, and its catch-up readings are judged against the clock they were produced for. While the replay
   * runs, it is the replay's progress.
   */
  delivered(): number;
  /** True while the replay runs; the paced feed starts after it. */
  replaying(): boolean;
  /** While the replay runs: the simulated period, how far it is, and the wall-clock time it took so far. */
  replayProgress(): ReplayProgress | undefined;
  /** Resolves when pacing starts, with what the replay did (null on a cold start, or when stopped during the replay). */
  readonly live: Promise<ReplayStats | null>;
  stop(): Promise<void>;
}

export function startSimulatorSource(o: SimulatorSourceOptions): SimulatorSource {
  const replayFrom = o.replayFromMs !== undefined && o.replayFromMs < o.startMs ? o.replayFromMs : undefined;
  let replayAt = replayFrom;
  const replayStarted = Date.now();
  let wallStart = Date.now();
  const paced = () => o.startMs + (Date.now() - wallStart) * o.speed;
  let simFrom = o.startMs;
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  let pumping: Promise<void> = Promise.resolve();
  const pump = async () => {
    const simTo = paced();
    if (simTo <= simFrom) return;
    const readings = o.simulator.step(simFrom, simTo);
    // The engine's clock moves to simTo now: the simulator's own batch counts as in progress (never idle) meanwhile.
    simFrom = simTo;
    if (readings.length > 0) await o.engine.ingestReadings(readings, 'simulator');
    await o.engine.tick();
  };
  const startPacing = () => {
    wallStart = Date.now();
    let busy = false;
    timer = setInterval(() => {
      // A tick still waiting on workers (backpressure) makes the next ones skip; the simulator catches up after.
      if (busy || !running) return;
      busy = true;
      pumping = pump()
        .catch((err: Error) => o.onError(err))
        .finally(() => (busy = false));
    }, o.tickMs ?? 200);
  };
  const replay =
    replayFrom === undefined
      ? Promise.resolve(null)
      : replaySimulator({
          simulator: o.simulator,
          engine: o.engine,
          fromMs: replayFrom,
          toMs: o.startMs,
          onProgress: (at) => (replayAt = at),
          stopped: () => !running,
        });
  const live = replay.then(
    (stats) => {
      replayAt = undefined;
      if (!running) return null;
      startPacing();
      return stats;
    },
    (err: Error) => {
      o.onError(err);
      return null;
    },
  );
  pumping = live.then(() => undefined);
  return {
    now: () => replayAt ?? paced(),
    delivered: () => replayAt ?? simFrom,
    replaying: () => replayAt !== undefined,
    replayProgress: () =>
      replayAt === undefined || replayFrom === undefined
        ? undefined
        : { fromMs: replayFrom, toMs: o.startMs, atMs: replayAt, elapsedWallMs: Date.now() - replayStarted },
    live,
    async stop() {
      running = false;
      clearInterval(timer);
      await live;
      await pumping;
    },
  };
}
