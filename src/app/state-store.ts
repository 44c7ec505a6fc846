// The live layer's state directory: series history, fitted models and plan versions in one SQLite file (WAL).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { configError } from '../errors.js';
import { ensurePrivateDir, preparePrivateDatabase } from '../io/private-files.js';
import { KeyedTexts } from './keyed-texts.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';

const SCHEMA_VERSION = '2';

export interface StoredSeries {
  id: string;
  startIdx: number;
  values: Float64Array;
}

function prepare(db: Database.Database) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    seriesOf: db.prepare('SELECT id, chunk, data FROM observations WHERE kind = ? ORDER BY id, chunk'),
    putChunk: db.prepare(
      'INSERT INTO observations (kind, id, chunk, data) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id, chunk) DO UPDATE SET data = excluded.data',
    ),
    trimObs: db.prepare('DELETE FROM observations WHERE kind = ? AND id = ? AND chunk < ?'),
    dropObs: db.prepare('DELETE FROM observations WHERE kind = ? AND id = ?'),
    dropKindObs: db.prepare('DELETE FROM observations WHERE kind = ?'),
  };
}

/**
 * Observations are stored in chunks of consecutive steps (a day of a series' steps, NaN where a window had
 * no result), so a save rewrites only the chunks that changed and a restart reads a few blobs per series.
 */
export class StateStore {
  private readonly db: Database.Database;
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly checkpointer: WalCheckpointer;
  /** Fitted models: a record (JSON) per kind and series id. */
  readonly models: KeyedTexts;
  /** Documents by namespace and key (the live plan versions). */
  readonly documents: KeyedTexts;

  private constructor(readonly file: string) {
    try {
      this.db = new Database(file);
    } catch (err) {
      throw configError(`cannot open the state file ${file}: ${(err as Error).message}`);
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS observations (kind TEXT NOT NULL, id TEXT NOT NULL, chunk INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (kind, id, chunk)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS models (kind TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS documents (namespace TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID;
    `);
    const version = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('schema') as string | undefined;
    if (version === undefined)
      this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION)
      throw configError(
        `the state file ${file} has schema version ${version}; this urbanflow reads version ${SCHEMA_VERSION}: move it away to start afresh`,
      );
    this.stmts = prepare(this.db);
    const wrote = () => this.wrote();
    this.models = new KeyedTexts(this.db, { table: 'models', group: 'kind', key: 'id', body: 'record' }, wrote);
    this.documents = new KeyedTexts(
      this.db,
      { table: 'documents', group: 'namespace', key: 'key', body: 'body' },
      wrote,
    );
    try {
      this.checkpointer = startWalCheckpointer(this.db, file);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /** Opens (creating) `<dir>/state.sqlite`. */
  static open(dir: string): StateStore {
    try {
      ensurePrivateDir(dir);
      preparePrivateDatabase(join(dir, 'state.sqlite'));
    } catch (err) {
      throw configError(`cannot create the state directory ${dir}: ${(err as Error).message}`);
    }
    return new StateStore(join(dir, 'state.sqlite'));
  }

  meta(key: string): string | undefined {
    return this.stmts.getMeta.get(key) as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.stmts.setMeta.run(key, value);
    this.wrote();
  }

  /** Every stored series of a kind, assembled from chunks of `chunkSize` steps. */
  series(kind: string, chunkSize: number): StoredSeries[] {
    const out: StoredSeries[] = [];
    let cur: { id: string; first: number; chunks: { chunk: number; data: Float64Array }[] } | undefined;
    const flush = () => {
      if (!cur) return;
      const last = cur.chunks[cur.chunks.length - 1].chunk;
      const values = new Float64Array((last - cur.first + 1) * chunkSize).fill(NaN);
      for (const c of cur.chunks) values.set(c.data.subarray(0, chunkSize), (c.chunk - cur.first) * chunkSize);
      out.push({ id: cur.id, startIdx: cur.first * chunkSize, values });
    };
    for (const row of this.stmts.seriesOf.iterate(kind) as Iterable<{ id: string; chunk: number; data: Buffer }>) {
      if (cur?.id !== row.id) {
        flush();
        cur = { id: row.id, first: row.chunk, chunks: [] };
      }
      const bytes = new Uint8Array(row.data);
      cur.chunks.push({
        chunk: row.chunk,
        data: new Float64Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 8)),
      });
    }
    flush();
    return out;
  }

  /** Writes whole chunks of a series (`values` starts at chunk `fromChunk`) and deletes chunks before `keepFromChunk`. */
  saveChunks(
    kind: string,
    id: string,
    fromChunk: number,
    chunkSize: number,
    values: Float64Array,
    keepFromChunk: number,
  ): void {
    for (let k = 0; k * chunkSize < values.length; k++) {
      const data = values.slice(k * chunkSize, (k + 1) * chunkSize);
      this.stmts.putChunk.run(kind, id, fromChunk + k, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    }
    this.stmts.trimObs.run(kind, id, keepFromChunk);
    this.wrote();
  }

  /** Deletes a series' observations and model together. */
  deleteSeries(kind: string, id: string): void {
    this.transaction(() => {
      this.stmts.dropObs.run(kind, id);
      this.models.delete(kind, id);
    });
  }

  /** Deletes every series and model of a kind. */
  deleteKind(kind: string): void {
    this.transaction(() => {
      this.stmts.dropKindObs.run(kind);
      this.models.deleteGroup(kind);
    });
  }

  transaction(fn: () => void): void {
    this.db.transaction(fn)();
    this.wrote();
  }

  /** WAL checkpoints the worker thread took, and its failure if it failed (see wal-checkpointer.ts). */
  checkpointStats(): { checkpoints: number; failed: string | null } {
    return this.checkpointer.stats();
  }

  /**
   * Closes the file; resolves once the checkpoint thread has closed its connection too (it checkpoints what is left
   * and may remove the log files: wait for it before removing the folder).
   */
  close(): Promise<void> {
    const ended = this.checkpointer.close();
    if (this.db.open) this.db.close();
    return ended;
  }

  /** After a write outside a transaction, or a transaction's commit: the checkpoint thread takes it from here. */
  private wrote(): void {
    if (!this.db.inTransaction) this.checkpointer.written();
  }
}
