// The live layer beside a pipeline: fed by its results, refitting and re-planning on its own timer, resumed from the state directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLiveServices } from '../../src/app/live.js';
import { runConfig } from '../../src/config.js';
import { DAY, HOUR, MONDAY, liveCity, smallCity } from './helpers/live-city.js';

const dir = mkdtempSync(join(tmpdir(), 'urbanflow-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

describe('startLiveServices', () => {
  it('forecasts and plans on its own schedule, saves on close and resumes from the state directory', async () => {
    const city = smallCity(19);
    const sim = liveCity(city, MONDAY, 19);
    const live = startLiveServices({
      pipeline: sim.pipeline,
      clock: sim.now,
      stateDir: dir,
      tickEveryMs: 2,
      planRefreshEveryMs: 30 * 60_000,
    });
    try {
      await sim.runUntil(MONDAY + 2 * DAY + 8 * HOUR, async (now) => {
        // Give the housekeeping timer a turn every simulated hour.
        if (now % HOUR === 0) await new Promise((r) => setTimeout(r, 3));
      });
      await until(() => live.forecasts.stats().kinds.laneGroup.models > 0);
      await live.forecasts.idle();
      await until(() => live.signalPlans.list().every((p) => p.version !== null));
    } finally {
      await live.close();
    }
    const stats = live.forecasts.stats();
    expect(stats.refitSeries).toBeGreaterThan(0);
    const plans = live.signalPlans.list();
    expect(plans.length).toBe(city.intersections.length + city.corridors.length);

    const again = startLiveServices({ pipeline: sim.pipeline, clock: sim.now, stateDir: dir, tickEveryMs: 60_000 });
    try {
      const restored = again.forecasts.stats();
      expect(restored.restoredModels).toBe(Object.values(stats.kinds).reduce((n, k) => n + k.models, 0));
      expect(again.forecasts.latestDataMs()).toBe(live.forecasts.latestDataMs());
      expect(again.signalPlans.list()).toEqual(plans);
      const feeder = city.feeders[0].id;
      const q = { kind: 'feeder' as const, id: feeder, horizonMs: 6 * HOUR };
      expect(again.forecasts.forecast(q, sim.now())).toEqual(live.forecasts.forecast(q, sim.now()));
      const start = new Date(sim.now() + HOUR).toISOString();
      const { request } = again.completeDispatch({
        event: { start, intervalMinutes: 30, count: 2 },
        feeders: [{ id: feeder, capKW: 100 }],
        resources: [],
      });
      expect(request.feeders![0].forecastKW).toHaveLength(2);
    } finally {
      await again.close();
      await sim.close();
    }
  });
});

describe('startLiveServices while history is replayed', () => {
  it('holds refits, saves and plan refreshes while told to, and runs them once released', async () => {
    const city = smallCity(21);
    const sim = liveCity(city, MONDAY, 21);
    let held = true;
    const live = startLiveServices({
      pipeline: sim.pipeline,
      clock: sim.now,
      stateDir: mkdtempSync(join(dir, 'held-')),
      tickEveryMs: 2,
      holdWhile: () => held,
    });
    try {
      await sim.runUntil(MONDAY + 26 * HOUR, () => new Promise((r) => setTimeout(r, 1)));
      expect(live.forecasts.stats()).toMatchObject({ persists: 0, refitBatches: 0 });
      expect(live.signalPlans.list().every((p) => p.version === null)).toBe(true);
      held = false;
      await until(() => live.forecasts.stats().persists > 0);
      await until(() => live.signalPlans.list().some((p) => p.version !== null));
    } finally {
      await live.close();
      await sim.close();
    }
  });
});

describe('run configuration', () => {
  it('keeps state under .urbanflow in the working directory unless told otherwise', () => {
    expect(runConfig({}, {}, '/srv/app').stateDir).toBe('/srv/app/.urbanflow');
    expect(runConfig({}, { URBANFLOW_STATE_DIR: 'state' }, '/srv/app').stateDir).toBe('/srv/app/state');
    expect(runConfig({ stateDir: '/var/lib/urbanflow' }, { URBANFLOW_STATE_DIR: 'state' }, '/srv/app').stateDir).toBe(
      '/var/lib/urbanflow',
    );
    expect(runConfig({}, {}).stateDir).toBe(resolve('.urbanflow'));
  });
});
