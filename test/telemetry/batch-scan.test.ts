// The byte scan of gateway batches against decodeWire: what it reads, it reads as decodeWire and the catalog do;
// what it does not fully understand (JSON, array columns, unknown names, junk) it leaves to them.
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { catalogFromCity } from '../../src/app/catalog.js';
import { loadSampleCity } from '../../src/city/index.js';
import { mulberry32 } from '../../src/random.js';
import { BatchScanner } from '../../src/telemetry/batch-scan.js';
import { decodeWire, encodeBatch } from '../../src/telemetry/codec.js';
import { METRIC_INDEX } from '../../src/telemetry/metrics.js';
import type { Reading } from '../../src/telemetry/reading.js';

const catalog = catalogFromCity(loadSampleCity());
const detectors = catalog.ids.filter((_, i) => catalog.kind[i] === 0);

function batch(rnd: () => number, n: number, withQuality: boolean): Reading[] {
  return Array.from({ length: n }, () => ({
    sensor: detectors[Math.floor(rnd() * detectors.length)],
    metric: rnd() < 0.5 ? 'detector.count' : 'detector.occupancy',
    ts: 1_764_763_200_000 + Math.floor(rnd() * 1e6),
    value: Math.floor(rnd() * 1000) / 10,
    ...(withQuality && rnd() < 0.3 ? { quality: 'uncertain' as const } : {}),
  }));
}

describe('BatchScanner', () => {
  const scanner = new BatchScanner(catalog);

  it('reads encoded batches exactly as decodeWire and the catalog do', () => {
    const rnd = mulberry32(7);
    for (const n of [0, 1, 3, 1000, 5000]) {
      for (const withQuality of [false, true]) {
        const bytes = encodeBatch(batch(rnd, n, withQuality));
        const d = decodeWire(bytes);
        if (d.kind !== 'batch') throw new Error('not a batch');
        const s = scanner.scan(bytes);
        expect(s, `${n}`).toBeDefined();
        expect(s!.length).toBe(n);
        for (let i = 0; i < n; i++) {
          expect(s!.sensorOf[s!.sensor[i]]).toBe(catalog.index.get(d.batch.sensorNames[d.batch.sensor[i]]));
          expect(s!.metricOf[s!.metric[i]]).toBe(METRIC_INDEX.get(d.batch.metricNames[d.batch.metric[i]]));
          expect(s!.ts[i]).toBe(d.batch.ts[i]);
          expect(s!.value[i]).toBe(d.batch.value[i]);
          expect(s!.quality[i]).toBe(d.batch.quality[i]);
        }
      }
    }
  });

  it('leaves to decodeWire JSON, array columns, unknown names, single readings and damaged bytes', () => {
    const rnd = mulberry32(8);
    const good = batch(rnd, 20, true);
    expect(scanner.scan(new TextEncoder().encode('{"sensors":[]}'))).toBeUndefined();
    expect(
      scanner.scan(
        encode({ sensors: [detectors[0]], metrics: ['detector.count'], sensor: [0], metric: [0], ts: [1], value: [1] }),
      ),
    ).toBeUndefined();
    expect(scanner.scan(encodeBatch([{ ...good[0], sensor: 'no-such-sensor' }]))).toBeUndefined();
    expect(scanner.scan(encodeBatch([{ ...good[0], metric: 'no.such.metric' }]))).toBeUndefined();
    expect(scanner.scan(encode({ sensor: detectors[0], metric: 'detector.count', ts: 1, value: 2 }))).toBeUndefined();
    const bytes = encodeBatch(good);
    expect(scanner.scan(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    expect(scanner.scan(new Uint8Array([...bytes, 0xc0]))).toBeUndefined();
    // every one-byte corruption is either refused or read as decodeWire reads it
    for (let k = 0; k < 3000; k++) {
      const bad = Uint8Array.from(bytes);
      bad[Math.floor(rnd() * bad.length)] = Math.floor(rnd() * 256);
      const s = scanner.scan(bad);
      if (!s) continue;
      const d = decodeWire(bad);
      if (d.kind !== 'batch') throw new Error(`scanned what decodeWire reads as a single reading (byte change ${k})`);
      expect(s.length).toBe(d.batch.length);
      for (let i = 0; i < s.length; i++) {
        expect(s.ts[i]).toBe(d.batch.ts[i]);
        expect(s.value[i]).toBe(d.batch.value[i]);
        expect(s.quality[i]).toBe(d.batch.quality[i]);
        expect(s.sensor[i]).toBe(d.batch.sensor[i]);
        expect(s.metric[i]).toBe(d.batch.metric[i]);
      }
    }
  });
});
