// Result listeners of the pipeline: every listener gets every batch, and a throwing one harms neither the engine nor the others.
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../src/app/pipeline.js';
import { DEFAULT_OPERATORS } from '../../src/app/operators.js';
import { createSimulator } from '../../src/sim/index.js';
import type { WindowResult } from '../../src/stream/index.js';
import { MONDAY, smallCity } from './helpers/live-city.js';

describe('pipeline result listeners', () => {
  it('deliver every batch to each listener, isolate a failing one and stop after removal', async () => {
    const city = smallCity(3);
    let now = MONDAY;
    const errors: Error[] = [];
    const p = createPipeline({
      city,
      operators: DEFAULT_OPERATORS,
      watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
      workers: 0,
      clock: () => now,
      onListenerError: (e) => errors.push(e),
    });
    const seen: WindowResult[] = [];
    let late = 0;
    p.addResultListener(() => {
      throw new Error('listener broke');
    });
    p.addResultListener((rows) => seen.push(...rows));
    const remove = p.addResultListener((rows) => (late += rows.length));
    const sim = createSimulator(city, { seed: 3, startMs: MONDAY, sensorKinds: ['feeder-meter'] });
    for (let t = MONDAY; t < MONDAY + 3 * 3_600_000; t += 600_000) {
      if (t === MONDAY + 3_600_000) remove();
      now = t + 600_000;
      await p.engine.ingestReadings(sim.step(t, now), 'simulator');
      await p.engine.tick();
    }
    await p.engine.flush();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBe(p.engine.stats().results);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.message === 'listener broke')).toBe(true);
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(seen.length);
    await p.engine.close();
  });
});
