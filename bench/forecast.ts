// Benchmark `forecast`: fit + 48-step forecast for 10,000 bin series and for 1,000 feeders with two weeks of half-hourly history.
import { fitBinFill, forecastBinFill, fitFeederLoad, forecastFeederLoad } from '../models/index.js';
import { syntheticBin, syntheticDemand } from '../models/synthetic.js';
import type { Bench } from './index.js';

const HOUR = 3_600_000;

export const forecastBench: Bench = async (args) => {
  const arg = (name: string, def: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const bins = arg('bins', 10_000);
  const feeders = arg('feeders', 1_000);
  const horizon = 48;
  const start = Date.UTC(2026, 2, 2);

  process.stderr.write(`generating ${bins} bin series (14 days hourly) and ${feeders} feeders (14 days half-hourly)\n`);
  const binData = Array.from({ length: bins }, (_, i) =>
    syntheticBin({ startMs: start, stepMs: HOUR, steps: 14 * 24, seed: i + 1 }),
  );
  const feederData = Array.from({ length: feeders }, (_, i) =>
    syntheticDemand({ startMs: start, stepMs: HOUR / 2, days: 14 + 1, seed: i + 1, base: 200 + (i % 50) * 10 }),
  );

  let t0 = performance.now();
  let checksum = 0;
  for (const levels of binData) {
    const model = fitBinFill({ startMs: start, stepMs: HOUR, levels }, horizon);
    checksum += forecastBinFill(model, horizon).level[horizon - 1];
  }
  const bins10000Ms = performance.now() - t0;
  process.stderr.write(`bins: ${bins10000Ms.toFixed(0)} ms\n`);

  const n = 14 * 48;
  t0 = performance.now();
  for (const d of feederData) {
    const model = fitFeederLoad(
      {
        startMs: d.startMs,
        stepMs: d.stepMs,
        values: d.values.subarray(0, n),
        temperature: d.temperature.subarray(0, n),
        holidays: d.holidays,
      },
      horizon,
    );
    checksum += forecastFeederLoad(model, horizon, d.temperature.subarray(n, n + horizon)).forecast[horizon - 1];
  }
  const feeders1000Ms = performance.now() - t0;
  process.stderr.write(`feeders: ${feeders1000Ms.toFixed(0)} ms\n`);

  return {
    bins,
    feeders,
    horizon,
    bins10000Ms: Math.round(bins10000Ms),
    feeders1000Ms: Math.round(feeders1000Ms),
    checksum: Number.isFinite(checksum),
  };
};
