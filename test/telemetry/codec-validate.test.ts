// Wire format and validation: bad records become dead letters with their reason; good records beside them pass.
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/telemetry/catalog.js';
import { decodeWire, encodeBatch, encodeReading, WireFormatError } from '../../src/telemetry/codec.js';
import { DeadLetterLog } from '../../src/telemetry/dead-letter.js';
import { validateBatch, validateSingle } from '../../src/telemetry/validate.js';
import { METRIC_INDEX } from '../../src/telemetry/metrics.js';
import type { Reading } from '../../src/telemetry/reading.js';

const catalog = buildCatalog([
  { id: 'det-1', kind: 'detector', owners: { intersection: 'I1' } },
  { id: 'fm-1', kind: 'feeder-meter', owners: { feeder: 'F1' } },
]);
const NOW = Date.UTC(2026, 5, 1);

function ctx(log: DeadLetterLog) {
  return { catalog, nowMs: NOW, maxFutureMs: 3_600_000, source: 'test', deadLetter: log.add };
}

describe('columnar batch codec', () => {
  it('round-trips readings with quality through typed bins', () => {
    const readings: Reading[] = [
      { sensor: 'det-1', metric: 'detector.count', ts: NOW - 1000, value: 7 },
      { sensor: 'fm-1', metric: 'feeder.kw', ts: NOW - 500, value: 812.5, quality: 'uncertain' },
      { sensor: 'det-1', metric: 'detector.speed', ts: NOW - 100, value: 43.25, quality: 'bad' },
    ];
    const msg = decodeWire(encodeBatch(readings));
    if (msg.kind !== 'batch') throw new Error('expected a batch');
    const b = msg.batch;
    expect(b.length).toBe(3);
    expect(Array.from(b.sensor, (i) => b.sensorNames[i])).toEqual(['det-1', 'fm-1', 'det-1']);
    expect(Array.from(b.metric, (i) => b.metricNames[i])).toEqual(['detector.count', 'feeder.kw', 'detector.speed']);
    expect(Array.from(b.ts)).toEqual(readings.map((r) => r.ts));
    expect(Array.from(b.value)).toEqual([7, 812.5, 43.25]);
    expect(Array.from(b.quality)).toEqual([0, 1, 2]);
  });

  it('accepts plain MessagePack arrays as columns and flags wrong types per row', () => {
    const bytes = encode({
      sensors: ['det-1'],
      metrics: ['detector.count'],
      sensor: [0, 0],
      metric: [0, 0],
      ts: [NOW, 'soon'],
      value: [3, 4],
    });
    const msg = decodeWire(bytes);
    if (msg.kind !== 'batch') throw new Error('expected a batch');
    const log = new DeadLetterLog();
    const valid = validateBatch(msg.batch, ctx(log));
    expect(valid.length).toBe(1);
    expect(valid.value[0]).toBe(3);
    expect(log.counts.get('bad-type')).toBe(1);
    expect(log.summary().byReason['bad-type'].samples[0].detail).toMatch(/ts must be a number/);
  });

  it('rejects undecodable bytes and inconsistent batches as a whole, naming the problem', () => {
    expect(() => decodeWire(Uint8Array.of(0xc1))).toThrow(WireFormatError);
    expect(() => decodeWire(encode([1, 2, 3]))).toThrow(/must be a MessagePack map/);
    expect(() =>
      decodeWire(encode({ sensors: ['a'], metrics: ['m'], sensor: [0, 0], metric: [0], ts: [1, 2], value: [1, 2] })),
    ).toThrow(/'metric' has 1 rows but 'ts' has 2/);
    expect(() => decodeWire(encode({ sensors: 'a', metrics: [], sensor: [], metric: [], ts: [], value: [] }))).toThrow(
      /'sensors' must be an array/,
    );
  });
});

describe('validation', () => {
  it('dead-letters each bad reading with its reason and keeps every good one beside it', () => {
    const readings: Reading[] = [
      { sensor: 'det-1', metric: 'detector.count', ts: NOW - 10, value: 5 },
      { sensor: 'ghost', metric: 'detector.count', ts: NOW, value: 1 },
      { sensor: 'det-1', metric: 'no.such', ts: NOW, value: 1 },
      { sensor: 'det-1', metric: 'feeder.kw', ts: NOW, value: 1 },
      { sensor: 'det-1', metric: 'detector.count', ts: NOW, value: NaN },
      { sensor: 'det-1', metric: 'detector.count', ts: NOW, value: Infinity },
      { sensor: 'det-1', metric: 'detector.count', ts: -5, value: 1 },
      { sensor: 'det-1', metric: 'detector.count', ts: NOW + 86_400_000, value: 1 },
      { sensor: 'det-1', metric: 'detector.occupancy', ts: NOW, value: 1.5 },
      { sensor: 'fm-1', metric: 'feeder.kw', ts: NOW - 20, value: 640 },
    ];
    const msg = decodeWire(encodeBatch(readings));
    if (msg.kind !== 'batch') throw new Error('expected a batch');
    const log = new DeadLetterLog();
    const valid = validateBatch(msg.batch, ctx(log));
    expect(valid.length).toBe(2);
    expect(Array.from(valid.value.subarray(0, 2))).toEqual([5, 640]);
    expect(Object.fromEntries(log.counts)).toEqual({
      'unknown-sensor': 1,
      'unknown-metric': 1,
      'metric-not-for-sensor': 1,
      'non-finite': 2,
      'ts-before-epoch': 1,
      future: 1,
      'out-of-range': 1,
    });
    const sample = log.summary().byReason['unknown-sensor'].samples[0];
    expect(sample).toMatchObject({ sensor: 'ghost', source: 'test' });
    expect(sample.detail).toContain("'ghost'");
  });

  it('checks a single-reading message the same way', () => {
    const log = new DeadLetterLog();
    const good = decodeWire(encodeReading({ sensor: 'fm-1', metric: 'feeder.kw', ts: NOW, value: 12 }));
    const bad = decodeWire(encode({ sensor: 'fm-1', metric: 'feeder.kw', ts: '2026', value: 12 }));
    const badQuality = decodeWire(
      encode({ sensor: 'fm-1', metric: 'feeder.kw', ts: NOW, value: 12, quality: 'great' }),
    );
    if (good.kind !== 'single' || bad.kind !== 'single' || badQuality.kind !== 'single')
      throw new Error('expected single readings');
    expect(validateSingle(good.reading, ctx(log))).toBe(1 * 256 + METRIC_INDEX.get('feeder.kw')!);
    expect(validateSingle(bad.reading, ctx(log))).toBe(-1);
    expect(validateSingle(badQuality.reading, ctx(log))).toBe(-1);
    expect(log.counts.get('bad-type')).toBe(2);
  });
});
