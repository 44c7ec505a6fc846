// One reading with a wrong clock must not move the city's clock: a reading 6 h ahead of the watermark and a 400 KB
// body of 100,000 `{}` over HTTP, beside the simulator, lose none of the simulator's readings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator } from '../../src/sim/index.js';
import type { Pipeline } from '../../src/app/pipeline.js';
import { startHarness, T0, testPipeline, type Harness } from './harness.js';

let h: Harness;
let direct: ReturnType<typeof testPipeline>;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await direct?.engine.close();
  await h?.close();
});

function allResults(p: Pipeline): unknown[] {
  const out: unknown[] = [];
  for (const op of p.operators)
    for (const key of p.results.keys(op.name).sort()) out.push(...p.results.range(op.name, key));
  return out;
}

describe('event time against hostile HTTP input', () => {
  it('refuses a reading 6 h ahead as `future`, takes 100,000 `{}` as counted junk, and loses no simulator reading', async () => {
    let directNow = T0;
    direct = testPipeline(h.city, () => directNow);
    const sim = createSimulator(h.city, { seed: 9, startMs: T0 });
    const steps: { to: number; readings: ReturnType<typeof sim.step> }[] = [];
    // The simulator's deliveries pause for longer than the idle timeout after minute 10 (the process was stalled or its
    // workers were behind): the moment one HTTP client's clock error used to become everyone's watermark.
    const schedule = [
      ...Array.from({ length: 10 }, (_, i) => T0 + (i + 1) * 60_000),
      T0 + 15.5 * 60_000,
      ...Array.from({ length: 25 }, (_, i) => T0 + (16 + i) * 60_000),
    ];
    let from = T0;
    for (const to of schedule) {
      steps.push({ to, readings: sim.step(from, to) });
      from = to;
    }
    const feed = async (
      p: ReturnType<typeof testPipeline>,
      setNow: (t: number) => void,
      step: (typeof steps)[number],
    ) => {
      setNow(step.to);
      await p.engine.ingestReadings(step.readings, 'simulator');
      await p.engine.tick();
    };
    const headers = { ...h.auth('operator'), 'content-type': 'application/json' };
    for (const [i, step] of steps.entries()) {
      await feed(direct, (t) => (directNow = t), step);
      if (i === 10) {
        // Inside the pause: the clock has moved on 5.5 minutes past the simulator's last delivery.
        h.clock.now = T0 + 15.5 * 60_000;
        const watermark = h.pipeline.engine.watermark;
        const ahead = await h.app.inject({
          method: 'POST',
          url: '/v1/telemetry',
          headers,
          payload: [
            {
              sensor: h.city.weatherStations[0].sensor,
              metric: 'weather.temp_c',
              ts: watermark + 6 * 3_600_000,
              value: 21,
            },
          ],
        });
        expect(ahead.statusCode).toBe(202);
        expect(ahead.json()).toMatchObject({
          readings: 1,
          accepted: 0,
          deadLettered: 1,
          deadLettersByReason: { future: 1 },
        });
        const junk = `[${Array(100_000).fill('{}').join(', ')}]`;
        expect(junk.length).toBeGreaterThan(399_000);
        const res = await h.app.inject({ method: 'POST', url: '/v1/telemetry', headers, payload: junk });
        expect(res.statusCode).toBe(202);
        expect(res.json()).toMatchObject({
          readings: 100_000,
          accepted: 0,
          deadLettered: 100_000,
          deadLettersByReason: { 'bad-type': 100_000 },
        });
        expect(h.pipeline.engine.watermark).toBe(watermark);
      }
      await feed(h.pipeline, (t) => (h.clock.now = t), step);
    }
    await direct.engine.finish();
    await h.pipeline.engine.finish();
    const results = allResults(h.pipeline);
    expect(results.length).toBeGreaterThan(100);
    expect(results).toEqual(allResults(direct));
    expect(h.pipeline.engine.stats().late).toBe(direct.engine.stats().late);
    const counts = Object.fromEntries(h.pipeline.deadLetters.counts);
    expect(counts).toEqual({
      ...Object.fromEntries(direct.deadLetters.counts),
      future: 1,
      'bad-type': (direct.deadLetters.counts.get('bad-type') ?? 0) + 100_000,
    });
    // The junk is counted, not kept: a few samples and one letter standing for the rest.
    const samples = h.pipeline.deadLetters.summary().byReason['bad-type'].samples;
    expect(samples.length).toBeLessThanOrEqual(5);
  });

  it('shows late drops far above normal in /readyz and /metrics while staying ready', async () => {
    const fresh = await startHarness();
    try {
      const sim = createSimulator(fresh.city, { seed: 4, startMs: T0 });
      for (let t = T0; t < T0 + 10 * 60_000; t += 60_000) {
        fresh.clock.now = t + 60_000;
        await fresh.pipeline.engine.ingestReadings(sim.step(t, t + 60_000), 'simulator');
        await fresh.pipeline.engine.tick();
      }
      const quiet = (await fresh.app.inject({ url: '/readyz' })).json();
      expect(quiet.lateDrops.abnormal).toBe(false);
      // A client whose readings are an hour old: every one is late for every window operator of its metric.
      const stale = Array.from({ length: 300 }, (_, i) => ({
        sensor: fresh.city.weatherStations[0].sensor,
        metric: 'weather.temp_c',
        ts: T0 + i,
        value: 20,
      }));
      const res = await fresh.app.inject({
        method: 'POST',
        url: '/v1/telemetry',
        headers: { ...fresh.auth('operator'), 'content-type': 'application/json' },
        payload: stale,
      });
      expect(res.json()).toMatchObject({ accepted: 300 });
      await fresh.pipeline.engine.flush();
      const ready = await fresh.app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().lateDrops).toMatchObject({ abnormal: true });
      expect(ready.json().lateDrops.recentLate).toBeGreaterThanOrEqual(300);
      expect(ready.json().detail).toMatch(/late drops far above normal/);
      const metrics = (await fresh.app.inject({ url: '/metrics', headers: fresh.auth('operator') })).body;
      expect(metrics).toContain('urbanflow_late_drops_abnormal 1');
      expect(metrics).toMatch(/urbanflow_late_readings_total \d+/);
    } finally {
      await fresh.close();
    }
  });
});
