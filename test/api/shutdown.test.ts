// `urbanflow run --source http` as a process: first-start operator key, HTTP ingest, SIGTERM that loses nothing accepted.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHttpArgs, UrbanflowProcess } from '../../bench/harness/urbanflow-process.js';

/** `urbanflow run` taking telemetry over HTTP on `dir`, silent but for the operator key and fatal errors. */
function runHttp(dir: string, extra: string[] = [], workers = 1): UrbanflowProcess {
  return new UrbanflowProcess([...runHttpArgs(dir, workers), '--log-level', 'silent', ...extra]);
}

describe('urbanflow run over HTTP', () => {
  it("prints a first-start operator key once, takes telemetry, and on SIGTERM emits every accepted reading's windows", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-run-'));
    const results = join(dir, 'results.ndjson');
    try {
      const server = runHttp(dir, ['--results-file', results]);
      const key = (await server.printed(/Bearer (ufk_\S+)"/))[1];
      const base = await server.listening();
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const city = (await (await fetch(`${base}/v1/city`, { headers })).json()) as {
        city: { weatherStations: { sensor: string }[] };
      };
      const sensor = city.city.weatherStations[0].sensor;
      const now = Date.now();
      const readings = Array.from({ length: 30 }, (_, i) => ({
        sensor,
        metric: 'weather.temp_c',
        ts: now - 30_000 + i * 1000,
        value: 10 + i,
      }));
      const res = await fetch(`${base}/v1/telemetry`, { method: 'POST', headers, body: JSON.stringify(readings) });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ readings: 30, accepted: 30 });
      expect(await server.stop()).toBe(0);
      expect(server.stderr).toMatch(/closing open windows/);
      const rows = readFileSync(results, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { operator: string; values: Record<string, number> });
      const temps = rows.filter((r) => r.operator === 'temperature-1h-sliding');
      // The sliding window ending at the last reading holds all 30 readings.
      expect(Math.max(...temps.map((r) => r.values.max))).toBe(39);
      expect(Math.min(...temps.map((r) => r.values.min))).toBe(10);

      // A second start finds the operator key and prints no new one.
      const again = runHttp(dir, [], 0);
      await again.listening();
      expect(await again.stop('SIGINT')).toBe(0);
      expect(again.stderr).not.toMatch(/ufk_/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits cleanly (status 0, not killed) on a SIGTERM at any moment of start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-run-'));
    try {
      // From the first line on, the handlers are in place: before loading the service, opening stores, listening.
      for (const delayMs of [0, 150, 600, 1500]) {
        const server = runHttp(dir);
        await server.printed(/urbanflow: starting/, 60_000, 5);
        await new Promise((r) => setTimeout(r, delayMs));
        await server.stop();
        expect({ delayMs, ...(await server.exited) }).toEqual({ delayMs, code: 0, signal: null });
        expect(server.stderr).toMatch(/stopped: \d+ readings/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
