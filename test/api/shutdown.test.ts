// `urbanflow run --source http` as a process: first-start operator key, HTTP ingest, SIGTERM that loses nothing accepted.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../bin/urbanflow.js', import.meta.url).pathname;

describe('urbanflow run over HTTP', () => {
  it("prints a first-start operator key once, takes telemetry, and on SIGTERM emits every accepted reading's windows", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-run-'));
    const results = join(dir, 'results.ndjson');
    try {
      const child = spawn(
        process.execPath,
        [
          CLI,
          'run',
          '--source',
          'http',
          '--port',
          '0',
          '--workers',
          '1',
          '--state-dir',
          dir,
          '--results-file',
          results,
          '--log-level',
          'silent',
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      while (!/Bearer (ufk_\S+)"/.test(stderr)) {
        if (child.exitCode !== null) throw new Error(stderr);
        await new Promise((r) => setTimeout(r, 50));
      }
      const base = /API on (http:\/\/\S+)/.exec(stderr)![1];
      const key = /Bearer (ufk_\S+)"/.exec(stderr)![1];
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
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/closing open windows/);
      const rows = readFileSync(results, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { operator: string; values: Record<string, number> });
      const temps = rows.filter((r) => r.operator === 'temperature-1h-sliding');
      // The sliding window ending at the last reading holds all 30 readings.
      expect(Math.max(...temps.map((r) => r.values.max))).toBe(39);
      expect(Math.min(...temps.map((r) => r.values.min))).toBe(10);

      // A second start finds the operator key and prints no new one.
      const again = spawn(
        process.execPath,
        [CLI, 'run', '--source', 'http', '--port', '0', '--workers', '0', '--state-dir', dir, '--log-level', 'silent'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let err2 = '';
      again.stderr.on('data', (d: Buffer) => (err2 += d.toString()));
      const exited2 = new Promise<number | null>((resolve) => again.on('exit', (code) => resolve(code)));
      while (!/API on/.test(err2)) {
        if (again.exitCode !== null) throw new Error(err2);
        await new Promise((r) => setTimeout(r, 50));
      }
      again.kill('SIGINT');
      expect(await exited2).toBe(0);
      expect(err2).not.toMatch(/ufk_/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits cleanly (status 0, not killed) on a SIGTERM at any moment of start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-run-'));
    try {
      // From the first line on, the handlers are in place: before loading the service, opening stores, listening.
      for (const delayMs of [0, 150, 600, 1500]) {
        const child = spawn(
          process.execPath,
          [
            CLI,
            'run',
            '--source',
            'http',
            '--port',
            '0',
            '--workers',
            '1',
            '--state-dir',
            dir,
            '--log-level',
            'silent',
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          child.on('exit', (code, signal) => resolve({ code, signal })),
        );
        while (!/urbanflow: starting/.test(stderr)) {
          if (child.exitCode !== null) throw new Error(stderr);
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, delayMs));
        child.kill('SIGTERM');
        expect({ delayMs, ...(await exited) }).toEqual({ delayMs, code: 0, signal: null });
        expect(stderr).toMatch(/stopped: \d+ readings/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
