// The live update stream: authenticated, scoped like /v1/windows (a contractor gets only its own bins), health for operators.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractorDepots } from '../../src/api/access/index.js';
import { startHarness, type Credential, type Harness } from './harness.js';

const HOUR = 3_600_000;
let h: Harness;
let origin: string;

beforeAll(async () => {
  h = await startHarness({ updates: { healthEveryMs: 200 } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
}, 300_000);

afterAll(async () => {
  await h?.close();
});

interface Event {
  event: string;
  data: any;
}

/** Reads events from the stream until `until` holds for the events so far (or the stream ends). */
async function readUntil(
  who: Credential,
  until: (events: Event[]) => boolean,
  whileOpen: () => Promise<void> = async () => {},
): Promise<Event[]> {
  const controller = new AbortController();
  const res = await fetch(`${origin}/v1/updates`, { headers: h.auth(who), signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Event[] = [];
  let buffer = '';
  let started = false;
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
    if (!started && events.length > 0) {
      started = true;
      await whileOpen();
    }
  }
  controller.abort();
  return events;
}

describe('GET /v1/updates', () => {
  it('needs a credential', async () => {
    expect((await fetch(`${origin}/v1/updates`)).status).toBe(401);
  });

  it("sends a contractor the results of its own bins only, and no health; the operator everyone's and health", async () => {
    const p = {
      depots: [],
      areas: [],
      role: 'waste-contractor' as const,
      tenant: 'cleanway',
      keyId: 'x',
      via: 'key' as const,
    };
    const mine = contractorDepots(p, h.city);
    const own = h.city.waste.bins.find((b) => mine.has(b.depot))!;
    const other = h.city.waste.bins.find((b) => !mine.has(b.depot))!;
    const windowStart = Math.floor(h.clock.now / HOUR) * HOUR + HOUR;
    const ingest = async () => {
      h.clock.now = windowStart + HOUR + 60_000;
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/telemetry',
        headers: h.auth('operator'),
        payload: [
          { sensor: own.sensor, metric: 'bin.fill', ts: windowStart + 60_000, value: 0.4 },
          { sensor: other.sensor, metric: 'bin.fill', ts: windowStart + 60_000, value: 0.6 },
          {
            sensor: h.city.weatherStations[0].sensor,
            metric: 'weather.temp_c',
            ts: windowStart + HOUR + 120_000,
            value: 20,
          },
        ],
      });
      expect(res.json()).toMatchObject({ accepted: 3 });
    };
    const hasBinResults = (events: Event[]) =>
      events.some(
        (e) => e.event === 'results' && e.data.some((r: { operator: string }) => r.operator === 'bin-fill-latest'),
      );
    const contractor = await readUntil('cleanway', hasBinResults, ingest);
    expect(contractor[0]).toMatchObject({
      event: 'hello',
      data: { role: 'waste-contractor', tenant: 'cleanway', depots: [...mine] },
    });
    const rows = contractor
      .filter((e) => e.event === 'results')
      .flatMap((e) => e.data as { operator: string; key: string; values: Record<string, number> }[]);
    const bins = rows.filter((r) => r.operator === 'bin-fill-latest');
    expect(bins).toEqual([expect.objectContaining({ key: own.id, values: expect.objectContaining({ last: 0.4 }) })]);
    // Weather is readable by every role; nothing of another sensor kind reaches a contractor.
    expect(rows.every((r) => r.operator === 'bin-fill-latest' || r.operator.startsWith('temperature'))).toBe(true);
    expect(contractor.some((e) => e.event === 'health')).toBe(false);

    const operator = await readUntil('operator', (events) => events.filter((e) => e.event === 'health').length >= 2);
    const health = operator.filter((e) => e.event === 'health').at(-1)!.data;
    expect(health).toMatchObject({
      readings: expect.any(Number),
      readingsPerSec: expect.any(Number),
      deadLetters: { total: expect.any(Number) },
    });
    // The operator key's readings are a source of their own, with its lag in service time.
    expect(
      health.sources.some((s: { source: string; lagMs: number }) => s.source.startsWith('http:') && s.lagMs >= 0),
    ).toBe(true);
  }, 60_000);
});
