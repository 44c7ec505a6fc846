// The fast single-reading decoder agrees with the general decoder and validator on every message it accepts, and declines the rest.
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/telemetry/catalog.js';
import { decodeWire, WireFormatError } from '../../src/telemetry/codec.js';
import { DeadLetterLog } from '../../src/telemetry/dead-letter.js';
import { SingleReadingDecoder, type FastReading } from '../../src/telemetry/single-decoder.js';
import { METRIC_INDEX } from '../../src/telemetry/metrics.js';
import { validateSingle } from '../../src/telemetry/validate.js';
import { rng } from '../helpers/rng.js';

const catalog = buildCatalog([
  ...Array.from({ length: 300 }, (_, i) => ({ id: `det-${i}`, kind: 'detector' as const, owners: {} })),
  { id: 'fm-1', kind: 'feeder-meter', owners: {} },
  { id: 'bin-ü', kind: 'bin', owners: {} },
]);
const NOW = Date.UTC(2026, 5, 1);
const MAX_FUTURE = 3_600_000;

/** What the general path makes of a message: the accepted reading, or null after a dead letter or a wire error. */
function general(bytes: Uint8Array): FastReading | null {
  const log = new DeadLetterLog();
  let msg;
  try {
    msg = decodeWire(bytes);
  } catch (err) {
    if (err instanceof WireFormatError) return null;
    throw err;
  }
  if (msg.kind !== 'single') return null;
  const ids = validateSingle(msg.reading, {
    catalog,
    nowMs: NOW,
    maxFutureMs: MAX_FUTURE,
    source: 't',
    deadLetter: log.add,
  });
  if (ids < 0) return null;
  return {
    sensor: Math.floor(ids / 256),
    metric: ids % 256,
    ts: msg.reading.ts,
    value: msg.reading.value,
    quality: msg.reading.quality,
  };
}

function randomMessage(rand: () => number): unknown {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  // Mostly valid fields, so that whole valid readings are common and every encoding of them is exercised.
  const either = <T>(valid: T[], invalid: T[]): T => (rand() < 0.8 ? pick(valid) : pick(invalid));
  const sensor = either(['det-0', 'det-17', 'det-299', 'fm-1', 'bin-ü'], ['det-300', 'nope', '', 42]);
  const metric = either(
    ['detector.count', 'detector.speed', 'feeder.kw', 'bin.fill'],
    ['weather.temp_c', 'detector.count ', 7],
  );
  const ts = either(
    [NOW, NOW - 123_456.5, NOW + MAX_FUTURE, 0, 2 ** 32 + 3],
    [NOW + MAX_FUTURE + 1, -5, Number.NaN, 'x', 2 ** 60],
  );
  const value = either(
    [0, 1, 127, 128, 255, 256, 65_535, 65_536, -1, -33, -129, -40_000, 3.5, 0.25, 1000, Math.fround(1.1)],
    [1001, 2 ** 31, Number.POSITIVE_INFINITY, null, 2 ** 40],
  );
  const fields: [string, unknown][] = [
    ['sensor', sensor],
    ['metric', metric],
    ['ts', ts],
    ['value', value],
  ];
  const r = rand();
  if (r < 0.2) fields.push(['quality', pick(['good', 'uncertain', 'bad', 'great', 3])]);
  else if (r < 0.25) fields.push(['extra', 1]);
  else if (r < 0.3) fields.pop();
  if (rand() < 0.5) fields.reverse();
  return Object.fromEntries(fields);
}

describe('single-reading fast decoder', () => {
  it('accepts only what the general path accepts, with the same ids and values', () => {
    const rand = rng(11);
    const decoder = new SingleReadingDecoder(catalog);
    const out: FastReading = { sensor: -1, metric: -1, ts: 0, value: 0, quality: 0 };
    let accepted = 0;
    let declinedGood = 0;
    for (let i = 0; i < 20_000; i++) {
      const msg = randomMessage(rand);
      const bytes = encode(msg, { forceFloat32: rand() < 0.2 });
      const expected = general(bytes);
      const fast = decoder.decode(bytes, NOW + MAX_FUTURE, out);
      if (fast) {
        accepted++;
        expect(expected, JSON.stringify(msg)).not.toBeNull();
        expect({ ...out }).toEqual(expected);
      } else if (expected && !('extra' in (msg as object))) declinedGood++;
    }
    expect(accepted).toBeGreaterThan(1000);
    // Declining a good reading only costs speed (extra fields do), but the usual encodings must all take the fast path.
    expect(declinedGood).toBe(0);
  });

  it('declines truncated and corrupted bytes without reading past the end', () => {
    const decoder = new SingleReadingDecoder(catalog);
    const out: FastReading = { sensor: -1, metric: -1, ts: 0, value: 0, quality: 0 };
    const bytes = encode({ sensor: 'det-3', metric: 'detector.count', ts: NOW, value: 4 });
    expect(decoder.decode(bytes, NOW, out)).toBe(true);
    expect(out).toEqual({
      sensor: catalog.index.get('det-3'),
      metric: METRIC_INDEX.get('detector.count'),
      ts: NOW,
      value: 4,
      quality: 0,
    });
    for (let cut = 0; cut < bytes.length; cut++) expect(decoder.decode(bytes.subarray(0, cut), NOW, out)).toBe(false);
    const rand = rng(5);
    for (let i = 0; i < 5000; i++) {
      const copy = bytes.slice();
      copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
      if (decoder.decode(copy, NOW, out)) expect(general(copy)).toEqual({ ...out });
    }
  });
});
