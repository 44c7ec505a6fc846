// The chunked JSON array reader: the same elements as JSON.parse, whatever the chunking, and JSON's errors refused whole.
import { describe, expect, it } from 'vitest';
import { JsonBodyError, isJsonArray, nestsDeeperThan, readJsonArray } from '../../src/api/json-array-reader.js';
import { rng } from '../helpers/rng.js';

async function read(
  text: string,
  o: { elementsPerChunk?: number; bytesPerChunk?: number; maxElementBytes?: number; maxDepth?: number } = {},
) {
  const elements: unknown[] = [];
  const oversized: number[] = [];
  let pauses = 0;
  await readJsonArray(
    Buffer.from(text),
    (chunk) => elements.push(...chunk),
    (n) => oversized.push(n),
    {
      ...o,
      sliceMs: 0,
      pause: async () => {
        pauses++;
      },
    },
  );
  return { elements, oversized, pauses };
}

function randomValue(r: () => number, depth: number): unknown {
  const u = r();
  if (depth > 3 || u < 0.3) return Math.round(r() * 1e6) / 100;
  if (u < 0.5) return ['a,b', 'x"y', '[{', 'back\\slash', 'é ✓', ''][Math.floor(r() * 6)];
  if (u < 0.6) return r() < 0.5 ? null : r() < 0.5;
  if (u < 0.8) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(r() * 4) }, (_, i) => [`k${i},]`, randomValue(r, depth + 1)]),
  );
}

describe('readJsonArray', () => {
  it('yields exactly the elements JSON.parse sees, for any chunk size, with the event loop let in between', async () => {
    const r = rng(5);
    for (let trial = 0; trial < 30; trial++) {
      const value = Array.from({ length: Math.floor(r() * 200) }, () => randomValue(r, 1));
      const text = JSON.stringify(value, null, trial % 3 === 0 ? 2 : undefined);
      for (const elementsPerChunk of [1, 3, 4096]) {
        const got = await read(text, { elementsPerChunk, bytesPerChunk: 64 });
        expect(got.elements).toEqual(value);
        if (value.length > 10 && elementsPerChunk === 1) expect(got.pauses).toBeGreaterThan(0);
      }
    }
  });

  it('refuses what JSON refuses, before handing out anything that follows the error', async () => {
    for (const bad of ['[1,]', '[1, 2', '[1] x', '[{"a":1,}]', '[1 2]', '["unterminated]', '{"a":1}']) {
      await expect(read(bad), bad).rejects.toBeInstanceOf(JsonBodyError);
    }
    expect((await read(' [ ] ')).elements).toEqual([]);
    expect(isJsonArray(Buffer.from('  \n[1]'))).toBe(true);
    expect(isJsonArray(Buffer.from('{"a":[1]}'))).toBe(false);
  });

  it('refuses deep nesting without recursing, and leaves out elements too large to be a reading', async () => {
    await expect(read(`[${'['.repeat(200)}${']'.repeat(200)}]`, { maxDepth: 64 })).rejects.toThrow(
      /deeper than 64 levels/,
    );
    const got = await read(`[1, "${'x'.repeat(5000)}", 2, 3]`, { maxElementBytes: 1000, elementsPerChunk: 2 });
    expect(got.elements).toEqual([1, 2, 3]);
    expect(got.oversized).toEqual([5003]);
  });

  it('tells a flat columnar batch from nested junk without parsing', () => {
    expect(nestsDeeperThan(Buffer.from('{"sensors":["a","{[["],"ts":[1,2],"value":[3,4]}'), 2)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('{"x":[{},{}]}'), 2)).toBe(true);
  });
});
