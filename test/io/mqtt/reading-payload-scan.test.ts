// The byte scan of reading payloads against the full parser: whatever the scan reads, it reads exactly as
// readingFromTopicPayload does (same doubles), and it leaves to it every payload it does not fully understand.
import { describe, expect, it } from 'vitest';
import { readingFromTopicPayload } from '../../../src/io/mqtt/payload.js';
import { scanReadingPayload, type ScannedReading } from '../../../src/io/mqtt/reading-payload-scan.js';
import { WireFormatError } from '../../../src/telemetry/codec.js';
import { mulberry32 } from '../../../src/random.js';

const NOW = 1_764_763_200_000;
const bytes = (s: string) => new TextEncoder().encode(s);

function full(text: string): { value: number; ts: number; quality: number } | 'refused' {
  try {
    const r = readingFromTopicPayload(bytes(text), 'det-1', 'detector.count', NOW);
    return r.typeError === undefined ? { value: r.value, ts: r.ts, quality: r.quality } : 'refused';
  } catch (err) {
    if (err instanceof WireFormatError) return 'refused';
    throw err;
  }
}

function scanned(text: string): { value: number; ts: number; quality: number } | undefined {
  const out: ScannedReading = { value: 0, ts: 0, quality: 0 };
  if (!scanReadingPayload(bytes(text), out)) return undefined;
  return { value: out.value, ts: Number.isNaN(out.ts) ? NOW : out.ts, quality: out.quality };
}

describe('scanReadingPayload', () => {
  it('reads the common shapes as the full parser does', () => {
    for (const text of [
      '21.5',
      ' -0.25\n',
      '0',
      '-0',
      '7',
      '{"value":21.5,"ts":1764763200000}',
      '{"ts":1764763200000,"value":3}',
      '{ "value" : 12.125 , "quality" : "uncertain" }',
      '{"value":1,"quality":"bad","ts":1764763200123}',
      '{"value":-0.000001}',
      '{"value":123456789012345}',
    ]) {
      const s = scanned(text);
      expect(s, text).toBeDefined();
      expect(s, text).toEqual(full(text));
      expect(Object.is(s!.value, (full(text) as { value: number }).value), text).toBe(true);
    }
  });

  it('leaves to the full parser what it does not read, good or bad', () => {
    for (const text of [
      '',
      '   ',
      '1e3',
      '+5',
      '.5',
      '5.',
      '007',
      '1234567890123456',
      '{"value":01}',
      '{"value":1,"ts":"2026-12-03T12:00:00Z"}',
      '{"value":1,"value":2}',
      '{"value":1,"unit":"veh"}',
      '{"value":1,"quality":"excellent"}',
      '{"value":1,}',
      '{"ts":1}',
      '{"value":1} x',
      '{"val\\u0075e":1}',
      '[1]',
      'null',
      'abc',
      '\u00a05',
    ])
      expect(scanned(text), JSON.stringify(text)).toBeUndefined();
  });

  it('agrees with JSON.parse on random decimals, digit for digit', () => {
    const rnd = mulberry32(15);
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rnd() * 15);
      const fraction = Math.floor(rnd() * (digits + 1));
      let d = '';
      for (let k = 0; k < digits; k++) d += String(Math.floor(rnd() * 10));
      d = d.replace(/^0+(?=\d)/, '');
      const int = fraction >= d.length ? '0' : d.slice(0, d.length - fraction);
      const frac = fraction >= d.length ? d.padStart(fraction, '0') : d.slice(d.length - fraction);
      const text = `${rnd() < 0.3 ? '-' : ''}${int}${fraction > 0 ? `.${frac}` : ''}`;
      const payload = `{"value":${text},"ts":${Math.floor(rnd() * 2e12)}}`;
      const s = scanned(payload);
      if (s === undefined) continue;
      const f = full(payload) as { value: number; ts: number };
      expect(Object.is(s.value, f.value), payload).toBe(true);
      expect(s.ts).toBe(f.ts);
    }
  });
});
