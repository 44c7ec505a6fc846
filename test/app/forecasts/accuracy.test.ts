// Online forecasts of a simulated city, fed by the stream pipeline's window results, against seasonal naive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForecastService, type ForecastReady, type SeriesKind } from '../../../src/app/forecasts/index.js';
import { DAY, HOUR, MONDAY, liveCity, smallCity, type LiveCity } from '../helpers/live-city.js';

interface Issued {
  kind: SeriesKind;
  id: string;
  answer: ForecastReady;
}

const city = smallCity(5);
let live: LiveCity;
let service: ForecastService;
const issued: Issued[] = [];
const HORIZON: Record<'feeder' | 'laneGroup', number> = { feeder: DAY, laneGroup: 2 * HOUR };

beforeAll(async () => {
  live = liveCity(city, MONDAY, 5);
  service = new ForecastService({ city, operators: live.pipeline.operators });
  live.pipeline.addResultListener((rows) => service.ingest(rows));
  const firstOrigin = MONDAY + 8 * DAY;
  const lastOrigin = MONDAY + 13 * DAY;
  await live.runUntil(lastOrigin + DAY + HOUR, async (now) => {
    service.tick(now);
    await service.idle();
    if (now < firstOrigin || now > lastOrigin || (now - MONDAY) % (6 * HOUR) !== 0) return;
    for (const kind of ['feeder', 'laneGroup'] as const) {
      for (const s of service.series(kind)) {
        const answer = service.forecast({ kind, id: s.id, horizonMs: HORIZON[kind] }, now);
        if (answer.status === 'ready') issued.push({ kind, id: s.id, answer });
      }
    }
  });
}, 600_000);

afterAll(async () => {
  await service?.close();
  await live?.close();
});

/** Pooled MAE of the issued forecasts and of seasonal naive (the same window one day earlier), over steps with actuals. */
function scores(kind: SeriesKind): {
  model: number;
  naive: number;
  steps: number;
  coverage80: number;
  coverage95: number;
} {
  let model = 0;
  let naive = 0;
  let steps = 0;
  let in80 = 0;
  let in95 = 0;
  for (const f of issued.filter((x) => x.kind === kind)) {
    const a = f.answer;
    const end = a.timestamps[a.timestamps.length - 1] + a.stepMs;
    const actual = service.observed(kind, f.id, a.timestamps[0], end).values;
    const lastYear = service.observed(kind, f.id, a.timestamps[0] - DAY, end - DAY).values;
    a.timestamps.forEach((_, h) => {
      const y = actual[h];
      const base = lastYear[h];
      if (y === null || base === null || a.timestamps[h] - DAY > a.lastObservationMs) return;
      model += Math.abs(y - a.forecast[h]);
      naive += Math.abs(y - base);
      if (y >= a.lower80[h] && y <= a.upper80[h]) in80++;
      if (y >= a.lower95[h] && y <= a.upper95[h]) in95++;
      steps++;
    });
  }
  return { model: model / steps, naive: naive / steps, steps, coverage80: in80 / steps, coverage95: in95 / steps };
}

describe('online forecasts on simulated window results', () => {
  it('issues model forecasts (not fallbacks) for every feeder and lane group after a week', () => {
    const kinds = new Set(issued.map((i) => `${i.kind}/${i.id}`));
    expect(kinds.size).toBe(city.feeders.length + service.series('laneGroup').length);
    expect(issued.every((i) => i.answer.status === 'ready' && i.answer.model.fittedAtMs !== null)).toBe(true);
  });

  it('beats seasonal naive on feeder load, 24 h ahead', () => {
    const s = scores('feeder');
    expect(s.steps).toBeGreaterThan(500);
    expect(s.model).toBeLessThan(0.8 * s.naive);
  });

  it('beats seasonal naive on lane-group flow, 2 h ahead', () => {
    const s = scores('laneGroup');
    expect(s.steps).toBeGreaterThan(5000);
    expect(s.model).toBeLessThan(0.8 * s.naive);
  });
});
