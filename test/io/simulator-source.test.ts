// The simulator source's warm start: its own output for the recent past at full speed, then paced, with no seam between them.
import { describe, expect, it } from 'vitest';
import { generateCity } from '../../src/city/index.js';
import { startSimulatorSource } from '../../src/io/simulator-source.js';
import { createSimulator } from '../../src/sim/index.js';
import type { StreamEngine } from '../../src/stream/index.js';
import type { Reading } from '../../src/telemetry/reading.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 3, 6, 12);
const city = generateCity({
  seed: 4,
  intersections: 3,
  feeders: 2,
  resourcesPerFeeder: 2,
  bins: 20,
  depots: 1,
  trucksPerDepot: 1,
  weatherStations: 1,
});

/** An engine that records what it is fed, and the source's clock at each call. */
function recordingEngine(clock: () => number) {
  const readings: Reading[] = [];
  const clockAtIngest: number[] = [];
  let ticks = 0;
  const engine = {
    async ingestReadings(batch: readonly Reading[]) {
      clockAtIngest.push(clock());
      readings.push(...batch);
    },
    async tick() {
      ticks++;
    },
  } as unknown as StreamEngine;
  return { engine, readings, clockAtIngest, ticks: () => ticks };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

describe('startSimulatorSource with a replay of history', () => {
  it('feeds the simulator output of the replayed period first, then continues paced from the start time with nothing lost or repeated', async () => {
    const replayFromMs = START - 6 * HOUR;
    let now = () => 0;
    const rec = recordingEngine(() => now());
    const source = startSimulatorSource({
      simulator: createSimulator(city, { seed: 7, startMs: replayFromMs }),
      engine: rec.engine,
      startMs: START,
      replayFromMs,
      speed: 36_000,
      tickMs: 5,
      onError: (err) => {
        throw err;
      },
    });
    // The engine's ingest clock is what the simulator has delivered.
    now = () => source.delivered();
    try {
      expect(source.replaying()).toBe(true);
      expect(source.now()).toBeLessThan(START);
      expect(source.delivered()).toBe(source.now());
      const stats = await source.live;
      expect(source.replaying()).toBe(false);
      expect(source.replayProgress()).toBeUndefined();
      expect(stats).toMatchObject({ fromMs: replayFromMs, toMs: START });
      const replayed = rec.readings.length;
      expect(stats!.readings).toBe(replayed);
      // Paced on from the start time: 36,000x is an hour of simulated time in 0.1 s.
      await until(() => source.now() >= START + 2 * HOUR && rec.readings.length > replayed);
    } finally {
      await source.stop();
    }
    // The same readings, in the same order, as one simulator stepped straight through: the replay is its own output.
    const reference = createSimulator(city, { seed: 7, startMs: replayFromMs }).step(replayFromMs, START + 48 * HOUR);
    expect(rec.readings.length).toBeLessThan(reference.length);
    expect(rec.readings).toEqual(reference.slice(0, rec.readings.length));
    // The engine's processing clock never goes back, across the switch from replay to pacing too.
    for (let i = 1; i < rec.clockAtIngest.length; i++)
      expect(rec.clockAtIngest[i]).toBeGreaterThanOrEqual(rec.clockAtIngest[i - 1]);
    expect(rec.clockAtIngest.some((t) => t <= START)).toBe(true);
    expect(rec.clockAtIngest.some((t) => t > START)).toBe(true);
  });

  it('reports its progress while replaying and stops at once when asked, without pacing after', async () => {
    const replayFromMs = START - 30 * 24 * HOUR;
    const rec = recordingEngine(() => 0);
    const source = startSimulatorSource({
      simulator: createSimulator(city, { seed: 7, startMs: replayFromMs }),
      engine: rec.engine,
      startMs: START,
      replayFromMs,
      speed: 60,
      onError: (err) => {
        throw err;
      },
    });
    await until(() => rec.readings.length > 0);
    const p = source.replayProgress()!;
    expect(p).toMatchObject({ fromMs: replayFromMs, toMs: START });
    expect(p.atMs).toBeGreaterThan(replayFromMs);
    expect(p.atMs).toBeLessThan(START);
    await source.stop();
    expect(await source.live).toBeNull();
    const fed = rec.readings.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.readings.length).toBe(fed);
    expect(Math.max(...rec.readings.map((r) => r.ts))).toBeLessThan(START);
  });

  it('starts cold without a replay period', async () => {
    const rec = recordingEngine(() => 0);
    const source = startSimulatorSource({
      simulator: createSimulator(city, { seed: 7, startMs: START }),
      engine: rec.engine,
      startMs: START,
      speed: 36_000,
      tickMs: 5,
      onError: (err) => {
        throw err;
      },
    });
    try {
      expect(source.replaying()).toBe(false);
      expect(await source.live).toBeNull();
      await until(() => rec.readings.length > 0);
      expect(Math.min(...rec.readings.map((r) => r.ts))).toBeGreaterThanOrEqual(START);
    } finally {
      await source.stop();
    }
  });
});
