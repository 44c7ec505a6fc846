// The result encoder writes, straight from result columns, the bytes @msgpack/msgpack writes for the row object.
import { describe, expect, it } from 'vitest';
import { decode, encode } from '@msgpack/msgpack';
import { ResultEncoder } from '../../../src/io/kafka/records.js';
import { resultRows } from '../../../src/stream/index.js';
import type { WindowResultColumns } from '../../../src/stream/emit-buffer.js';
import { CATALOG, OPERATORS } from '../../helpers/telemetry-stream.js';
import { rng } from '../../helpers/rng.js';

/** Numbers of every MessagePack shape: fixints, 8- to 64-bit integers of both signs, fractions, -0, extremes, NaN. */
function number(r: () => number): number {
  const shapes = [
    () => Math.floor(r() * 128),
    () => -Math.floor(r() * 32) - 1,
    () => 128 + Math.floor(r() * 70_000),
    () => 2 ** 31 + Math.floor(r() * 2 ** 33),
    () => 1_750_000_000_000 + Math.floor(r() * 1e9),
    () => -Math.floor(r() * 2 ** 40),
    () => -200 - Math.floor(r() * 40_000),
    () => (r() - 0.5) * 1e6,
    () => -0,
    () => Number.MAX_SAFE_INTEGER,
    () => Number.MIN_SAFE_INTEGER,
    () => 2 ** 60,
    () => Number.MAX_VALUE,
    () => Infinity,
    () => -Infinity,
    () => NaN,
  ];
  return shapes[Math.floor(r() * shapes.length)]();
}

describe('result encoder', () => {
  it('gives the bytes of @msgpack/msgpack for every row, and the same decoded rows', () => {
    const r = rng(7);
    const enc = new ResultEncoder(CATALOG, OPERATORS);
    OPERATORS.forEach((spec, op) => {
      const keyCount = CATALOG.groupings.get(spec.keyBy)!.keys.length;
      const n = 400;
      const col = (f: () => number) => Float64Array.from({ length: n }, f);
      const cols: WindowResultColumns = {
        operator: op,
        key: col(() => Math.floor(r() * keyCount)),
        start: col(() => number(r)),
        end: col(() => number(r)),
        revision: col(() => Math.floor(r() * 300)),
        values: spec.aggregates.map(() => col(() => number(r))),
      };
      const rows = resultRows(spec, CATALOG, cols);
      rows.forEach((row, i) => {
        const bytes = enc.encode(cols, i);
        expect(
          Buffer.from(bytes).equals(Buffer.from(encode(row))),
          `row ${i} of ${spec.name}: ${JSON.stringify(row)}`,
        ).toBe(true);
        expect(decode(bytes)).toEqual(decode(encode(row)));
        expect(enc.key(op, cols.key[i])).toBe(`${row.operator}/${row.key}`);
      });
    });
  });

  it('keeps earlier records intact while later ones are written (they wait in the producer or a held transaction)', () => {
    const enc = new ResultEncoder(CATALOG, OPERATORS);
    const spec = OPERATORS[0];
    const n = 20_000;
    const cols: WindowResultColumns = {
      operator: 0,
      key: Float64Array.from({ length: n }, (_, i) => i % 16),
      start: Float64Array.from({ length: n }, (_, i) => i * 1000),
      end: Float64Array.from({ length: n }, (_, i) => i * 1000 + 1000),
      revision: new Float64Array(n),
      values: spec.aggregates.map((_, a) => Float64Array.from({ length: n }, (_, i) => i + a / 10)),
    };
    const all = Array.from({ length: n }, (_, i) => enc.encode(cols, i));
    const rows = resultRows(spec, CATALOG, cols);
    all.forEach((bytes, i) => expect(decode(bytes)).toEqual(rows[i]));
  });
});
