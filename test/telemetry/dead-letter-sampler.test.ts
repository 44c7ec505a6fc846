// Bounded dead letters: a few per reason as they are, one letter counting the rest, every record in the counters.
import { describe, expect, it } from 'vitest';
import { DeadLetterSampler } from '../../src/telemetry/dead-letter-sampler.js';
import { DeadLetterLog, type DeadLetter } from '../../src/telemetry/dead-letter.js';
import { StreamEngine } from '../../src/stream/index.js';
import { encodeBatch } from '../../src/telemetry/codec.js';
import { CATALOG, OPERATORS, T0 } from '../helpers/telemetry-stream.js';

describe('DeadLetterSampler', () => {
  it('passes on the first letters of each reason and one letter for the rest', () => {
    const out: DeadLetter[] = [];
    const log = new DeadLetterLog(5, (l) => out.push(l));
    const s = new DeadLetterSampler(log.add, 3);
    for (let i = 0; i < 1000; i++) s.add({ reason: 'bad-type', detail: `row ${i}`, source: 'http:k' });
    for (let i = 0; i < 2; i++) s.add({ reason: 'unknown-sensor', detail: `row ${i}`, source: 'http:k' });
    s.flush();
    expect(out.map((l) => [l.reason, l.count ?? 1])).toEqual([
      ['bad-type', 1],
      ['bad-type', 1],
      ['bad-type', 1],
      ['unknown-sensor', 1],
      ['unknown-sensor', 1],
      ['bad-type', 997],
    ]);
    expect(out[5].detail).toMatch(/997 more records .* \(the first: row 0\)/);
    expect(Object.fromEntries(log.counts)).toEqual({ 'bad-type': 1000, 'unknown-sensor': 2 });
    expect(s.counts()).toEqual({ 'bad-type': 1000, 'unknown-sensor': 2 });
  });

  it('bounds the letters of a junk batch in an engine built with deadLetterSamples, and counts every row', async () => {
    const letters: DeadLetter[] = [];
    const log = new DeadLetterLog(5, (l) => letters.push(l));
    const engine = new StreamEngine({
      catalog: CATALOG,
      operators: OPERATORS,
      watermark: { outOfOrdernessMs: 1000, idleTimeoutMs: 60_000 },
      workers: 0,
      clock: () => T0,
      deadLetter: log.add,
      deadLetterSamples: 10,
    });
    try {
      const junk = Array.from({ length: 5000 }, (_, i) => ({
        sensor: `ghost-${i}`,
        metric: 'detector.count',
        ts: T0,
        value: 1,
      }));
      await engine.ingestMessage(encodeBatch(junk));
      expect(letters.length).toBe(11);
      expect(log.counts.get('unknown-sensor')).toBe(5000);
      expect(engine.stats().readings).toBe(5000);
    } finally {
      await engine.close();
    }
  });
});
