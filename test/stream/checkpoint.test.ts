// Window state checkpoints: an engine restored from a compacted log of earlier checkpoints (bucket and key
// records, replayed in order) continues exactly as an engine that never stopped (same windows, same revisions,
// the same values bit for bit), whatever the log compaction removed and whatever bucket layout wrote the log.
import { describe, expect, it } from 'vitest';
import { DeadLetterLog } from '../../src/telemetry/dead-letter.js';
import { StreamEngine, resultRows, type WindowResult } from '../../src/stream/index.js';
import type { EngineCheckpoint, EngineRestore } from '../../src/stream/engine.js';
import {
  ENTRY_BUCKET,
  ENTRY_BUCKET_TOMBSTONE,
  ENTRY_KEY,
  ENTRY_KEY_TOMBSTONE,
  StateReplay,
} from '../../src/stream/state-log.js';
import { stateLayout, type StateLayout } from '../../src/stream/state-layout.js';
import { CATALOG, OPERATORS, randomStream, type StreamMessage } from '../helpers/telemetry-stream.js';
import { rng } from '../helpers/rng.js';

const NOW = 1_750_000_000_000 + 86_400_000;
const WM = { outOfOrdernessMs: 2_000, idleTimeoutMs: Number.MAX_SAFE_INTEGER };
/** Few keys a bucket, so that the test catalog has several buckets and both record kinds occur. */
const LAYOUT = stateLayout(CATALOG, OPERATORS, { keysPerBucket: 2 });

interface LogRecord {
  key: string;
  value: Uint8Array | null;
}

/**
 * A compacted topic in memory: records appended in checkpoint order; compaction drops records that a later
 * record of the same key supersedes, and tombstones that no earlier record of their key survives.
 */
class CompactedLog {
  records: LogRecord[] = [];
  /** Records of an older bucket layout found at the last restore: tombstoned before the next checkpoint, as the Kafka processor does. */
  private stale: string[] = [];
  watermark: EngineRestore['watermark'] = { value: -Infinity, partitions: [] };
  readonly kinds = new Set<number>();

  /** `layout` is the bucket layout of the engine writing now (bucket record keys name their bucket count). */
  constructor(public layout: StateLayout) {}

  apply(cp: EngineCheckpoint): void {
    for (const key of this.stale.splice(0)) this.records.push({ key, value: null });
    const e = cp.entries;
    for (let i = 0; i < e.count; i++) {
      const kind = e.kind[i];
      this.kinds.add(kind);
      const bucketKey = kind === ENTRY_BUCKET || kind === ENTRY_BUCKET_TOMBSTONE;
      const key = bucketKey ? `b/${e.op[i]}/${this.layout.bucketCount[e.op[i]]}/${e.id[i]}` : `k/${e.op[i]}/${e.id[i]}`;
      const tombstone = kind === ENTRY_KEY_TOMBSTONE || kind === ENTRY_BUCKET_TOMBSTONE;
      this.records.push({ key, value: tombstone ? null : e.bytes.slice(e.offset[i], e.offset[i + 1]) });
    }
    this.watermark = cp.watermark;
  }

  compact(r: () => number): void {
    const last = new Map<string, number>();
    this.records.forEach((rec, i) => last.set(rec.key, i));
    const kept = this.records.filter((rec, i) => (last.get(rec.key) !== i && r() < 0.3 ? false : true));
    const first = new Map<string, number>();
    kept.forEach((rec, i) => first.has(rec.key) || first.set(rec.key, i));
    this.records = kept.filter((rec, i) => !(rec.value === null && first.get(rec.key) === i && r() < 0.5));
  }

  /** The state a restore reads: the log replayed in order under `layout`. */
  restore(layout: StateLayout): EngineRestore & { staleBuckets: number } {
    const replay = new StateReplay(layout, (op, name) =>
      CATALOG.groupings.get(OPERATORS[op].keyBy)!.keys.indexOf(name),
    );
    for (const rec of this.records) {
      const [kind, op, a, b] = rec.key.split('/');
      if (kind === 'k') replay.key(Number(op), Number(a), rec.value);
      else replay.bucket(Number(op), Number(a), Number(b), rec.value);
    }
    const r = replay.result();
    this.stale = r.staleBuckets.map((s) => `b/${s.op}/${s.buckets}/${s.bucket}`);
    return {
      watermark: this.watermark,
      records: r.records,
      rewrite: r.staleBuckets.length > 0,
      staleBuckets: r.staleBuckets.length,
    };
  }
}

function engine(workers: number, rows: WindowResult[], dead: DeadLetterLog, layout = LAYOUT): StreamEngine {
  return new StreamEngine({
    catalog: CATALOG,
    operators: OPERATORS,
    watermark: WM,
    workers,
    batchSize: 7,
    flushIntervalMs: 0,
    clock: () => NOW,
    checkpoints: true,
    stateLayout: layout,
    deadLetter: dead.add,
    onResults: (spec, cols) => rows.push(...resultRows(spec, CATALOG, cols)),
  });
}

const order = (a: WindowResult, b: WindowResult) =>
  a.operator.localeCompare(b.operator) ||
  a.key.localeCompare(b.key) ||
  a.start - b.start ||
  a.end - b.end ||
  a.revision - b.revision;

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
 * whatever it emitted after its last checkpoint, the log is compacted at random, and a fresh engine restored
 * from it replays the input from that checkpoint. `layouts` gives the bucket layout of each incarnation.
 */
async function withCrashes(
  messages: StreamMessage[],
  workers: number,
  seed: number,
  layouts: (n: number) => StateLayout = () => LAYOUT,
): Promise<{ rows: WindowResult[]; log: CompactedLog }> {
  const r = rng(seed);
  const committed: WindowResult[] = [];
  const log = new CompactedLog(layouts(0));
  let from = 0;
  for (let crashes = 0; from < messages.length; crashes++) {
    const rows: WindowResult[] = [];
    const layout = layouts(crashes);
    log.layout = layout;
    const e = engine(workers, rows, new DeadLetterLog(), layout);
    log.compact(r);
    await e.restore(log.restore(layout));
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
  return { rows: committed.sort(order), log };
}

describe('window state checkpoints', () => {
  const kindsSeen = new Set<number>();
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`seed ${seed}: crashing and restoring from a compacted log gives the uninterrupted results, inline and on workers`, async () => {
      const messages = randomStream(seed, { readings: 900 });
      for (const workers of [0, 2]) {
        const want = await uninterrupted(messages, workers);
        expect(want.length).toBeGreaterThan(50);
        expect(want.some((x) => x.revision > 0)).toBe(true);
        const got = await withCrashes(messages, workers, seed * 7 + workers);
        expect(got.rows).toEqual(want);
        for (const k of got.log.kinds) kindsSeen.add(k);
      }
    });
  }

  it('the runs above wrote bucket records and key records, and tombstones of each', () => {
    expect([...kindsSeen].sort()).toEqual(
      [ENTRY_KEY, ENTRY_KEY_TOMBSTONE, ENTRY_BUCKET, ENTRY_BUCKET_TOMBSTONE].sort(),
    );
  });

  it('a log written under another bucket layout is restored exactly, and rewritten under the new one at the next checkpoint', async () => {
    const messages = randomStream(21, { readings: 900 });
    const fine = stateLayout(CATALOG, OPERATORS, { keysPerBucket: 1 });
    const coarse = stateLayout(CATALOG, OPERATORS, { keysPerBucket: 8 });
    expect(fine.bucketCount).not.toEqual(coarse.bucketCount);
    const want = await uninterrupted(messages, 0);
    for (const workers of [0, 2]) {
      const got = await withCrashes(messages, workers, 99 + workers, (n) => (n % 2 === 0 ? fine : coarse));
      expect(got.rows).toEqual(want);
    }
    // After one checkpoint under the new layout, nothing of the old one is live.
    const log = new CompactedLog(fine);
    const rows: WindowResult[] = [];
    const first = engine(0, rows, new DeadLetterLog(), fine);
    for (const m of messages.slice(0, 300)) await first.ingestMessage(m.bytes, m.partition);
    log.apply(await first.checkpoint());
    const second = engine(0, rows, new DeadLetterLog(), coarse);
    const restored = log.restore(coarse);
    expect(restored.staleBuckets).toBeGreaterThan(0);
    await second.restore(restored);
    log.layout = coarse;
    log.apply(await second.checkpoint());
    expect(log.restore(coarse).staleBuckets).toBe(0);
    expect(log.restore(coarse).records.count).toBe(restored.records.count);
  });

  it('a checkpoint holds only keys that changed since the previous one, and once every window is gone the log holds no state', async () => {
    const rows: WindowResult[] = [];
    const e = engine(0, rows, new DeadLetterLog());
    const log = new CompactedLog(LAYOUT);
    const messages = randomStream(3, { readings: 400 });
    for (const m of messages) await e.ingestMessage(m.bytes, m.partition);
    const first = await e.checkpoint();
    expect(first.entries.count).toBeGreaterThan(0);
    log.apply(first);
    expect(log.restore(LAYOUT).records.count).toBeGreaterThan(0);
    const again = await e.checkpoint();
    expect(again.entries.count).toBe(0);
    await e.finish();
    const last = await e.checkpoint();
    expect(last.entries.count).toBeGreaterThan(0);
    log.apply(last);
    // At the end of input every window closed and was dropped: no key holds state any more.
    const end = log.restore(LAYOUT).records;
    for (let i = 0; i < end.count; i++) expect(end.offset[i + 1] - end.offset[i]).toBe(0);
    await e.close();
  });
});
