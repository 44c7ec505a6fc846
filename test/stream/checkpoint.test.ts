// Window state checkpoints: an engine restored from the changed-key records of earlier checkpoints continues
// exactly as an engine that never stopped (same windows, same revisions, the same values bit for bit).
import { describe, expect, it } from 'vitest';
import { DeadLetterLog } from '../../src/telemetry/dead-letter.js';
import { StreamEngine, resultRows, type WindowResult } from '../../src/stream/index.js';
import type { EngineCheckpoint } from '../../src/stream/engine.js';
import type { StateRecords } from '../../src/stream/task.js';
import { CATALOG, OPERATORS, randomStream, type StreamMessage } from '../helpers/telemetry-stream.js';
import { rng } from '../helpers/rng.js';

const NOW = 1_750_000_000_000 + 86_400_000;
const WM = { outOfOrdernessMs: 2_000, idleTimeoutMs: Number.MAX_SAFE_INTEGER };

/** The latest record per (operator, key), as a compacted changelog keeps them. */
class Changelog {
  readonly entries = new Map<string, { op: number; key: number; bytes: Uint8Array }>();
  watermark: EngineCheckpoint['watermark'] = { value: -Infinity, partitions: [] };

  apply(cp: EngineCheckpoint): void {
    const r = cp.records;
    for (let i = 0; i < r.count; i++) {
      const id = `${r.op[i]}/${r.key[i]}`;
      const bytes = r.bytes.slice(r.offset[i], r.offset[i + 1]);
      if (bytes.length === 0) this.entries.delete(id);
      else this.entries.set(id, { op: r.op[i], key: r.key[i], bytes });
    }
    this.watermark = cp.watermark;
  }

  checkpoint(): EngineCheckpoint {
    const list = [...this.entries.values()];
    const size = list.reduce((n, e) => n + e.bytes.length, 0);
    const records: StateRecords = { count: list.length, op: new Uint8Array(list.length), key: new Uint32Array(list.length), offset: new Uint32Array(list.length + 1), bytes: new Uint8Array(size) };
    list.forEach((e, i) => {
      records.op[i] = e.op;
      records.key[i] = e.key;
      records.bytes.set(e.bytes, records.offset[i]);
      records.offset[i + 1] = records.offset[i] + e.bytes.length;
    });
    return { watermark: this.watermark, records };
  }
}

function engine(workers: number, rows: WindowResult[], dead: DeadLetterLog): StreamEngine {
  return new StreamEngine({
    catalog: CATALOG,
    operators: OPERATORS,
    watermark: WM,
    workers,
    batchSize: 7,
    flushIntervalMs: 0,
    clock: () => NOW,
    checkpoints: true,
    deadLetter: dead.add,
    onResults: (spec, cols) => rows.push(...resultRows(spec, CATALOG, cols)),
  });
}

const order = (a: WindowResult, b: WindowResult) =>
  a.operator.localeCompare(b.operator) || a.key.localeCompare(b.key) || a.start - b.start || a.end - b.end || a.revision - b.revision;

async function uninterrupted(messages: StreamMessage[], workers: number): Promise<WindowResult[]> {
  const rows: WindowResult[] = [];
  const e = engine(workers, rows, new DeadLetterLog());
  for (const m of messages) await e.ingestMessage(m.bytes, m.partition);
  await e.finish();
  await e.close();
  return rows.sort(order);
}

/**
 * Checkpoints every few messages; at each crash point the running engine is thrown away together with
 * whatever it emitted after its last checkpoint, and a fresh engine restored from the changelog replays
 * the input from that checkpoint.
 */
async function withCrashes(messages: StreamMessage[], workers: number, seed: number): Promise<WindowResult[]> {
  const r = rng(seed);
  const committed: WindowResult[] = [];
  const log = new Changelog();
  let from = 0;
  for (let crashes = 0; from < messages.length; crashes++) {
    const rows: WindowResult[] = [];
    const e = engine(workers, rows, new DeadLetterLog());
    await e.restore(log.checkpoint());
    const crashAt = crashes < 4 ? from + 1 + Math.floor(r() * messages.length * 0.3) : Infinity;
    let i = from;
    for (; i < messages.length && i < crashAt; i++) {
      await e.ingestMessage(messages[i].bytes, messages[i].partition);
      if (r() < 0.15) {
        log.apply(await e.checkpoint());
        committed.push(...rows.splice(0));
        from = i + 1;
      }
    }
    if (i === messages.length) {
      await e.finish();
      committed.push(...rows);
      from = i;
    }
    await e.close();
  }
  return committed.sort(order);
}

describe('window state checkpoints', () => {
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`seed ${seed}: crashing and restoring from checkpoints gives the uninterrupted results, inline and on workers`, async () => {
      const messages = randomStream(seed, { readings: 900 });
      for (const workers of [0, 2]) {
        const want = await uninterrupted(messages, workers);
        expect(want.length).toBeGreaterThan(50);
        expect(want.some((x) => x.revision > 0)).toBe(true);
        const got = await withCrashes(messages, workers, seed * 7 + workers);
        expect(got).toEqual(want);
      }
    });
  }

  it('a checkpoint holds only keys that changed since the previous one, and a tombstone for keys whose state is gone', async () => {
    const rows: WindowResult[] = [];
    const e = engine(0, rows, new DeadLetterLog());
    const messages = randomStream(3, { readings: 400 });
    for (const m of messages) await e.ingestMessage(m.bytes, m.partition);
    const first = await e.checkpoint();
    expect(first.records.count).toBeGreaterThan(0);
    const again = await e.checkpoint();
    expect(again.records.count).toBe(0);
    await e.finish();
    const last = await e.checkpoint();
    // At the end of input every window closed and was dropped: every key that held state is now a tombstone.
    expect(last.records.count).toBeGreaterThan(0);
    for (let i = 0; i < last.records.count; i++) expect(last.records.offset[i + 1] - last.records.offset[i]).toBe(0);
    await e.close();
  });
});
