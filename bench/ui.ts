// Benchmark `ui`: the dashboard in headless Chromium against the sample city (1,000 bins): sign-in to the operator map
// fully drawn, a reading ingested over HTTP until the map shows it, and the size of the gzipped bundle.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { createPipeline, DEFAULT_OPERATORS } from '../src/app/index.js';
import { buildServer } from '../src/api/index.js';
import { defaultUiDir } from '../src/api/routes/ui.js';
import { loadSampleCity } from '../src/city/index.js';
import { createSimulator } from '../src/sim/index.js';
import type { Bench } from './index.js';

const HOUR = 3_600_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const flag = (args: string[], name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

export const uiBench: Bench = async (args) => {
  const runs = flag(args, '--runs', 3);
  const uiDir = defaultUiDir();
  const bundleBytes = ['app.js', 'app.css'].reduce(
    (n, f) => n + gzipSync(readFileSync(join(uiDir, f)), { level: 9 }).length,
    0,
  );
  const city = loadSampleCity();
  const stateDir = mkdtempSync(join(tmpdir(), 'uf-bench-ui-'));
  const start = Date.UTC(2026, 5, 3, 4);
  const clock = { now: start };
  // The default operators and watermark settings of `urbanflow run`, on the main thread.
  const pipeline = createPipeline({
    city,
    operators: DEFAULT_OPERATORS,
    watermark: { outOfOrdernessMs: 30_000, idleTimeoutMs: 300_000 },
    workers: 0,
    clock: () => clock.now,
  });
  const sim = createSimulator(city, {
    seed: 1,
    startMs: start,
    sensorKinds: ['feeder-meter', 'detector', 'bin', 'dr-resource'],
  });
  // Three simulated hours, so every bin, lane group and feeder has a closed window to colour the map with.
  for (let t = start; t < start + 3 * HOUR; t += 10 * 60_000) {
    const readings = sim.step(t, t + 10 * 60_000);
    clock.now = t + 10 * 60_000;
    await pipeline.engine.ingestReadings(readings, 'simulator');
    await pipeline.engine.tick();
  }
  const app = await buildServer({
    pipeline,
    source: 'bench',
    stateDir,
    now: () => clock.now,
    limits: { ratePerMinute: { operator: 0 } },
  });
  const key = app.urbanflow.keys.create({ tenant: 'bench', role: 'operator' }, clock.now).secret;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    const signIn = async () => {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(120_000);
      await page.goto(`${origin}/ui/`);
      await page.fill('#api-key', key);
      const t = performance.now();
      await page.click('#sign-in button[type=submit]');
      await page.waitForSelector('#city-map[data-state="ready"]');
      // Drawn: the layout and paint of the map are done once a frame has followed it.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      return { page, context, ms: performance.now() - t };
    };
    // The first load compiles the bundle in a new browser: a warm-up, not counted.
    await (await signIn()).context.close();
    const firsts: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await signIn();
      firsts.push(r.ms);
      await r.context.close();
    }
    process.stderr.write(`ui: first render ${firsts.map((m) => m.toFixed(0)).join(', ')} ms\n`);

    const { page, context } = await signIn();
    await page.waitForFunction(() => document.body.dataset.live === 'on');
    const bin = city.waste.bins[0];
    const weather = city.weatherStations[0].sensor;
    const updates: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A reading in the next hour's window and one that moves the watermark past its end, posted as one request.
      const windowStart = Math.floor(clock.now / HOUR) * HOUR + HOUR;
      clock.now = windowStart + HOUR + 60_000;
      const value = 0.3 + 0.1 * i;
      const t = performance.now();
      const res = await fetch(`${origin}/v1/telemetry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify([
          { sensor: bin.sensor, metric: 'bin.fill', ts: windowStart + 600_000, value },
          { sensor: weather, metric: 'weather.temp_c', ts: windowStart + HOUR + 120_000, value: 20 },
        ]),
      });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      await page.waitForSelector(`circle[data-bin="${bin.id}"][data-fill="${Math.round(value * 100)}"]`);
      updates.push(performance.now() - t);
    }
    process.stderr.write(`ui: live update ${updates.map((m) => m.toFixed(0)).join(', ')} ms\n`);
    await context.close();
    return {
      firstRenderMs: Math.round(median(firsts)),
      liveUpdateMs: Math.round(median(updates)),
      bundleKB: Math.round((bundleBytes / 1024) * 10) / 10,
      bins: city.waste.bins.length,
      runs,
    };
  } finally {
    await browser?.close();
    await app.close();
    await pipeline.engine.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
};
