// Feeds the engine from the embedded simulator, paced by the wall clock times a speed-up factor.
import type { Simulator } from '../sim/index.js';
import type { StreamEngine } from '../stream/index.js';

export interface SimulatorSourceOptions {
  simulator: Simulator;
  engine: StreamEngine;
  /** Simulated time at start. */
  startMs: number;
  /** Simulated milliseconds per wall-clock millisecond. */
  speed: number;
  tickMs?: number;
  onError: (err: Error) => void;
}

export interface SimulatorSource {
  /** The simulated time now, at the simulator's pace (service time for the live layer). */
  now(): number;
  /**
   * The simulated time the simulator has handed to the engine: the engine's ingest clock. It stands still while the
   * process cannot run the simulator (an event-loop stall), so a stall never makes the simulator look idle to the
   * watermark, and its catch-up readings are judged against the clock they were produced for.
   */
  delivered(): number;
  stop(): Promise<void>;
}

export function startSimulatorSource(o: SimulatorSourceOptions): SimulatorSource {
  const wallStart = Date.now();
  const now = () => o.startMs + (Date.now() - wallStart) * o.speed;
  let simFrom = o.startMs;
  let running = true;
  let pumping: Promise<void> = Promise.resolve();
  const pump = async () => {
    const simTo = now();
    if (simTo <= simFrom) return;
    const readings = o.simulator.step(simFrom, simTo);
    // The engine's clock moves to simTo now: the simulator's own batch counts as in progress (never idle) meanwhile.
    simFrom = simTo;
    if (readings.length > 0) await o.engine.ingestReadings(readings, 'simulator');
    await o.engine.tick();
  };
  let busy = false;
  const timer = setInterval(() => {
    // A tick still waiting on workers (backpressure) makes the next ones skip; the simulator catches up after.
    if (busy || !running) return;
    busy = true;
    pumping = pump()
      .catch((err: Error) => o.onError(err))
      .finally(() => (busy = false));
  }, o.tickMs ?? 200);
  return {
    now,
    delivered: () => simFrom,
    async stop() {
      running = false;
      clearInterval(timer);
      await pumping;
    },
  };
}
