// The MQTT source's durable state in `<state dir>/mqtt.sqlite`: window state (the engine's state log entries, one
// row per log key), the watermark, and the redelivery filter's generations, written in one transaction per checkpoint.
// QoS 1 messages are acknowledged only after the checkpoint holding their readings has been committed.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { configError } from '../../errors.js';
import { ensurePrivateDir, preparePrivateDatabase } from '../private-files.js';
import type { EngineCheckpoint, EngineRestore } from '../../stream/engine.js';
import type { OperatorSpec } from '../../stream/index.js';
import { StateReplay } from '../../stream/state-log.js';
import type { StateLayout } from '../../stream/state-layout.js';
import type { SensorCatalog } from '../../telemetry/index.js';
import { ChangelogKeys, changelogRecords, operatorFingerprints } from '../kafka/changelog.js';
import type { SeenGeneration } from './redelivery-filter.js';

const SCHEMA_VERSION = '1';

export interface RestoredMqttState {
  restore: EngineRestore;
  keys: number;
  generations: SeenGeneration[];
  dedupBase: number | undefined;
}

export class MqttCheckpointStore {
  private readonly db: Database.Database;
  private readonly keys: ChangelogKeys;
  private seq = 0;

  private constructor(
    readonly file: string,
    catalog: SensorCatalog,
    private readonly operators: readonly OperatorSpec[],
    private readonly layout: StateLayout,
  ) {
    try {
      this.db = new Database(file);
    } catch (err) {
      throw configError(`cannot open the MQTT state file ${file}: ${(err as Error).message}`);
    }
    // WAL with synchronous=NORMAL: a committed checkpoint survives the process being killed (not a power cut).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS window_state (key TEXT PRIMARY KEY, seq INTEGER NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS seen (gen INTEGER PRIMARY KEY, max_ts REAL NOT NULL, keys BLOB NOT NULL, text_keys TEXT NOT NULL);
    `);
    const version = this.meta('schema');
    if (version === undefined) this.setMeta('schema', SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION)
      throw configError(
        `the MQTT state file ${file} has schema version ${version}; this urbanflow reads version ${SCHEMA_VERSION}: move it away to start afresh`,
      );
    this.keys = new ChangelogKeys(catalog, operators, layout);
    this.seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM window_state').pluck().get() as number) + 1;
  }

  static open(
    dir: string,
    catalog: SensorCatalog,
    operators: readonly OperatorSpec[],
    layout: StateLayout,
  ): MqttCheckpointStore {
    const file = join(dir, 'mqtt.sqlite');
    try {
      ensurePrivateDir(dir);
      preparePrivateDatabase(file);
    } catch (err) {
      throw configError(`cannot create the state directory ${dir}: ${(err as Error).message}`);
    }
    return new MqttCheckpointStore(file, catalog, operators, layout);
  }

  private meta(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined;
  }

  private setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  /** The saved window state, watermark and redelivery generations (empty on a first start). */
  load(): RestoredMqttState {
    const saved = this.meta('operators');
    if (saved !== undefined) {
      const now = operatorFingerprints(this.operators);
      for (const [name, fp] of Object.entries(JSON.parse(saved) as Record<string, string>)) {
        if (now[name] !== undefined && now[name] !== fp) {
          throw configError(
            `operator '${name}' was declared differently when its window state was saved in ${this.file} (${fp}); rename the operator or move the file away to start afresh`,
          );
        }
      }
    }
    const replay = new StateReplay(this.layout, (op, entity) => this.keys.resolve(op, entity));
    for (const row of this.db.prepare('SELECT key, value FROM window_state ORDER BY seq').iterate() as Iterable<{
      key: string;
      value: Buffer;
    }>) {
      this.keys.replay(replay, row.key, new Uint8Array(row.value.buffer, row.value.byteOffset, row.value.byteLength));
    }
    const r = replay.result();
    const watermarkText = this.meta('watermark');
    const watermark = watermarkText
      ? (JSON.parse(watermarkText, (_, v) => (v === null ? -Infinity : v)) as EngineRestore['watermark'])
      : { value: -Infinity, partitions: [] };
    const generations = (
      this.db.prepare('SELECT gen, max_ts, keys, text_keys FROM seen ORDER BY gen').all() as {
        gen: number;
        max_ts: number;
        keys: Buffer;
        text_keys: string;
      }[]
    ).map((g) => ({
      id: g.gen,
      maxTs: g.max_ts,
      keys: new Float64Array(g.keys.buffer.slice(g.keys.byteOffset, g.keys.byteOffset + g.keys.byteLength)),
      textKeys: JSON.parse(g.text_keys) as string[],
    }));
    const base = this.meta('dedup-base');
    return {
      restore: { watermark, records: r.records, rewrite: r.staleBuckets.length > 0 },
      keys: r.keys,
      generations,
      dedupBase: base === undefined ? undefined : Number(base),
    };
  }

  /** One checkpoint, atomically: changed window state, the watermark, a new redelivery generation, expired ones dropped. */
  commit(
    cp: EngineCheckpoint,
    generation: SeenGeneration | null,
    expired: readonly number[],
    dedupBase: number | undefined,
  ): void {
    const put = this.db.prepare(
      'INSERT INTO window_state (key, seq, value) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET seq = excluded.seq, value = excluded.value',
    );
    const del = this.db.prepare('DELETE FROM window_state WHERE key = ?');
    this.db.transaction(() => {
      for (const [key, value] of changelogRecords(cp, this.keys)) {
        if (value === null) del.run(key);
        else put.run(key, this.seq++, value);
      }
      // -Infinity is not JSON: null stands for it.
      this.setMeta(
        'watermark',
        JSON.stringify(cp.watermark, (_, v) => (v === -Infinity ? null : v)),
      );
      this.setMeta('operators', JSON.stringify(operatorFingerprints(this.operators)));
      if (dedupBase !== undefined) this.setMeta('dedup-base', String(dedupBase));
      if (generation) {
        const k = generation.keys;
        this.db
          .prepare('INSERT INTO seen (gen, max_ts, keys, text_keys) VALUES (?, ?, ?, ?)')
          .run(
            generation.id,
            generation.maxTs,
            Buffer.from(k.buffer, k.byteOffset, k.byteLength),
            JSON.stringify(generation.textKeys),
          );
      }
      const drop = this.db.prepare('DELETE FROM seen WHERE gen = ?');
      for (const id of expired) drop.run(id);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
