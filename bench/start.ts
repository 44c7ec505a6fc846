// Benchmark `start`: how long after `npm start` (urbanflow run on the sample city) each live route first answers 2xx.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench } from './index.js';

const CLI = new URL('../../bin/urbanflow.js', import.meta.url).pathname;

/** One route of each kind a user polls after start, as README names them. */
const ROUTES: Record<string, string> = {
  readyMs: '/readyz',
  windowsMs: '/v1/windows/detector-count-5m/current?limit=5',
  signalPlanMs: '/v1/signals/intersections/int-001/plan',
  corridorPlanMs: '/v1/signals/corridors/cor-street-2/plan',
  depotRoutesMs: '/v1/routes/depots/depot-1/next',
  feederForecastMs: '/v1/forecasts/feeders/fdr-001?horizon=6h',
  laneGroupForecastMs: '/v1/forecasts/lane-groups/int-001/N-LT?horizon=1h',
  binForecastMs: '/v1/forecasts/bins/bin-0001?horizon=24h',
};

export const startBench: Bench = async (args) => {
  const limitMs = Number(args[args.indexOf('--limit') + 1] ?? NaN) || 600_000;
  const dir = mkdtempSync(join(tmpdir(), 'uf-bench-start-'));
  const startedAt = Date.now();
  const child = spawn(process.execPath, [CLI, 'run'], {
    env: { ...process.env, URBANFLOW_PORT: '0', URBANFLOW_STATE_DIR: dir, URBANFLOW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    let base = '';
    let key = '';
    while (!base || !key) {
      if (child.exitCode !== null) throw new Error(`urbanflow run exited with ${child.exitCode}:\n${stderr}`);
      if (Date.now() - startedAt > limitMs) throw new Error(`no API and key after ${limitMs} ms:\n${stderr}`);
      base = /API on (http:\/\/\S+)/.exec(stderr)?.[1] ?? '';
      key = /shown only this once:\s+(ufk_\S+)/.exec(stderr)?.[1] ?? '';
      await new Promise((r) => setTimeout(r, 50));
    }
    const listeningMs = Date.now() - startedAt;
    const figures: Record<string, unknown> = { listeningMs };
    await Promise.all(
      Object.entries(ROUTES).map(async ([name, path]) => {
        for (;;) {
          const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
          await res.arrayBuffer();
          if (res.ok) {
            figures[name] = Date.now() - startedAt;
            process.stderr.write(`${name}: ${figures[name]} ms\n`);
            return;
          }
          if (Date.now() - startedAt > limitMs)
            throw new Error(`${path} still answers ${res.status} after ${limitMs} ms`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }),
    );
    figures.allLiveMs = Math.max(...Object.keys(ROUTES).map((k) => figures[k] as number));
    figures.loadAvg1m = Number(loadavg()[0].toFixed(2));
    return figures;
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
};
