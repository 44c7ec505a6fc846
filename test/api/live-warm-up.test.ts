// The live routes while history is replayed at start, and how expected not-ready answers are logged.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarmUpProgress } from '../../src/api/index.js';
import { startHarness, T0, type Harness } from './harness.js';

const HOUR = 3_600_000;
let h: Harness;
let progress: WarmUpProgress | undefined;
const logLines: { level: number; msg: string; code?: string; err?: unknown }[] = [];

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  h = await startHarness({
    live: { days: 0, serviceRate: 60, warmUp: () => progress },
    logger: { level: 'info', stream },
  });
});

afterAll(async () => {
  await h?.close();
});

const capRequest = () => ({
  event: { start: new Date(T0 + HOUR).toISOString(), intervalMinutes: 15, count: 4 },
  feeders: [{ id: 'fdr-001', capKW: 100 }],
  resources: [
    {
      id: 'bat',
      kind: 'battery',
      feeder: 'fdr-001',
      powerKW: 250,
      energyKWh: 600,
      socKWh: 500,
      minSocKWh: 50,
      roundTripEfficiency: 0.9,
      costPerKWh: 0.05,
    },
  ],
});

describe('live routes during the replay of history at start', () => {
  it('answer 503 with how far the replay is and a Retry-After at its pace, then answer as usual', async () => {
    // A third of 36 h replayed in 4 s: the rest takes 8 s more.
    progress = { fromMs: T0 - 36 * HOUR, toMs: T0, atMs: T0 - 24 * HOUR, elapsedWallMs: 4000 };
    for (const [url, who] of [
      ['/v1/forecasts/feeders/fdr-001?horizon=6h', 'utility'],
      ['/v1/signals/intersections/int-001/plan', 'traffic'],
      ['/v1/routes/depots/depot-1', 'cleanway'],
    ] as const) {
      const res = await h.app.inject({ url, headers: h.auth(who) });
      expect(res.statusCode, url).toBe(503);
      expect(res.headers['retry-after']).toBe('8');
      expect(res.json()).toMatchObject({
        code: 'UF_ERR_NOT_READY',
        retryAfterSeconds: 8,
        warmUp: { fromMs: progress.fromMs, toMs: T0, atMs: progress.atMs },
      });
      expect(res.json().detail).toMatch(
        /replaying the last 36 h of the simulated city before going live \(12 h done\)/,
      );
    }
    // Credentials are still checked first.
    expect((await h.app.inject({ url: '/v1/forecasts/feeders/fdr-001' })).statusCode).toBe(401);
    // A feeder-cap request would take its load from the forecast of a past moment: refused the same way.
    const cap = await h.app.inject({
      method: 'POST',
      url: '/v1/dispatch/plans',
      headers: h.auth('utility'),
      payload: capRequest(),
    });
    expect(cap.statusCode, cap.body).toBe(503);
    expect(cap.json().detail).toMatch(/replaying the last 36 h/);
    // Routes that are not live answer meanwhile.
    expect(
      (await h.app.inject({ url: '/v1/windows/detector-count-5m/current?limit=5', headers: h.auth('operator') }))
        .statusCode,
    ).toBe(200);

    progress = undefined;
    const after = await h.app.inject({ url: '/v1/forecasts/feeders/fdr-001?horizon=6h', headers: h.auth('utility') });
    // Cold here (no history at all): the ordinary not-ready answer, naming the feeder.
    expect(after.statusCode).toBe(503);
    expect(after.json().detail).toMatch(/no forecast for feeder fdr-001 yet/);
    expect(after.json().warmUp).toBeUndefined();
  });

  it('logs expected not-ready answers at info, without a stack, and nothing at error', () => {
    const notReady = logLines.filter((l) => l.code === 'UF_ERR_NOT_READY');
    expect(notReady.length).toBeGreaterThanOrEqual(5);
    expect(notReady.every((l) => l.level === 30 && l.msg === 'not ready yet' && l.err === undefined)).toBe(true);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
