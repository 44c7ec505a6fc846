// Property: one source sending readings far in the future, a little ahead and in the past never changes the results of
// the other sources. Its far-future readings are `future` dead letters, the rest stays on its own keys, and its
// watermark cannot close the other sources' windows: they match the single-threaded reference run without it.
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/telemetry/catalog.js';
import { encodeBatch, encodeReading } from '../../src/telemetry/codec.js';
import { DeadLetterLog, type DeadLetter } from '../../src/telemetry/dead-letter.js';
import type { Reading } from '../../src/telemetry/reading.js';
import { StreamEngine, resultRows, type WindowResult } from '../../src/stream/index.js';
import { expectSameResults } from '../reference/expect-same-results.js';
import { runReference } from '../reference/stream-reference.js';
import { rng } from '../helpers/rng.js';
import { OPERATORS, SENSORS, randomStream } from '../helpers/telemetry-stream.js';

const SKEW_MS = 60_000;
const WM = { outOfOrdernessMs: 2_000, idleTimeoutMs: Number.MAX_SAFE_INTEGER };
/** The rogue source's own sensors: keys of every grouping that no other source uses. */
const ROGUE = [
  ...Array.from({ length: 4 }, (_, i) => ({
    id: `rogue-det-${i}`,
    kind: 'detector' as const,
    owners: { intersection: 'R0' },
  })),
  ...Array.from({ length: 2 }, (_, i) => ({
    id: `rogue-fm-${i}`,
    kind: 'feeder-meter' as const,
    owners: { feeder: 'RF0' },
  })),
];
const catalog = buildCatalog([...SENSORS, ...ROGUE]);
const rogueKeys = new Set(['R0', 'RF0', ...ROGUE.map((s) => s.id)]);

interface Timed {
  partition: string;
  bytes: Uint8Array;
  /** The ingest clock when the message arrives. */
  now: number;
}

/**
 * The good stream of two gateways with the ingest clock 10 s ahead of their latest event time, and after each of their
 * messages one from the rogue: a reading a little ahead of the clock (within the skew), then random ones from two hours
 * before to eight hours after it.
 */
function scenario(seed: number) {
  const r = rng(seed * 7919);
  const good = randomStream(seed, { readings: 600 });
  const messages: Timed[] = [];
  let latest = -Infinity;
  let farFuture = 0;
  for (const m of good) {
    for (const x of m.readings) if (Number.isFinite(x.ts)) latest = Math.max(latest, x.ts);
    const now = latest + 10_000;
    messages.push({ partition: m.partition, bytes: m.bytes, now });
    const rogue: Reading[] = [];
    const reading = (ts: number): Reading => {
      const i = Math.floor(r() * ROGUE.length);
      return ROGUE[i].kind === 'detector'
        ? { sensor: ROGUE[i].id, metric: 'detector.count', ts, value: Math.floor(r() * 30) }
        : { sensor: ROGUE[i].id, metric: 'feeder.kw', ts, value: r() * 500 };
    };
    rogue.push(reading(now + Math.floor(r() * SKEW_MS)));
    for (let k = Math.floor(r() * 4); k > 0; k--) {
      const u = r();
      const offset =
        u < 0.4
          ? 1 + SKEW_MS + Math.floor(r() * 8 * 3_600_000)
          : u < 0.7
            ? -Math.floor(r() * 2 * 3_600_000)
            : Math.floor(r() * SKEW_MS);
      if (offset > SKEW_MS) farFuture++;
      rogue.push(reading(now + offset));
    }
    messages.push({
      partition: 'http:rogue',
      bytes: rogue.length === 1 ? encodeReading(rogue[0]) : encodeBatch(rogue),
      now,
    });
  }
  return { good, messages, farFuture };
}

async function run(messages: Timed[], workers: number) {
  const rows: WindowResult[] = [];
  const letters: DeadLetter[] = [];
  const log = new DeadLetterLog(5, (l) => letters.push(l));
  let now = 0;
  const engine = new StreamEngine({
    catalog,
    operators: OPERATORS,
    watermark: WM,
    workers,
    batchSize: 7,
    flushIntervalMs: 0,
    maxFutureMs: SKEW_MS,
    clock: () => now,
    deadLetter: log.add,
    onResults: (spec, cols) => rows.push(...resultRows(spec, catalog, cols)),
  });
  try {
    for (const m of messages) {
      now = m.now;
      await engine.ingestMessage(m.bytes, m.partition);
    }
    await engine.finish();
  } finally {
    await engine.close();
  }
  return { rows, letters, log };
}

describe('a misbehaving source cannot change the results of the others', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: far-future, slightly ahead and past readings of one source, inline and on a worker`, async () => {
      const { good, messages, farFuture } = scenario(seed);
      expect(farFuture).toBeGreaterThan(20);
      const ref = runReference(catalog, OPERATORS, WM, good, Infinity, 0);
      expect(ref.results.some((r) => r.revision > 0)).toBe(true);
      for (const workers of [0, 1]) {
        const got = await run(messages, workers);
        expectSameResults(
          got.rows.filter((r) => !rogueKeys.has(r.key)),
          ref.results,
        );
        const othersLate = got.letters.filter((l) => l.reason === 'late' && !rogueKeys.has(l.key!)).length;
        expect(othersLate).toBe(ref.late);
        // Every far-future reading of the rogue, and nothing else, is refused as `future`.
        expect(got.log.counts.get('future')).toBe(farFuture);
        expect(got.letters.filter((l) => l.reason === 'future').every((l) => l.source === 'http:rogue')).toBe(true);
      }
    });
  }
});
