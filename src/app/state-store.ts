// The live layer's state directory: series history, fitted models and plan versions in one SQLite file (WAL).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { configError } from '../errors.js';

const SCHEMA_VERSION = '1';

export interface StoredSeries {
  id: string;
  startIdx: number;
  values: Float64Array;
}

function prepare(db: Database.Database) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    seriesOf: db.prepare('SELECT id, idx, value FROM observations WHERE kind = ? ORDER BY id, idx'),
    putObs: db.prepare('INSERT INTO observations (kind, id, idx, value) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id, idx) DO UPDATE SET value = excluded.value'),
    trimObs: db.prepare('DELETE FROM observations WHERE kind = ? AND id = ? AND idx < ?'),
    dropObs: db.prepare('DELETE FROM observations WHERE kind = ? AND id = ?'),
    dropKindObs: db.prepare('DELETE FROM observations WHERE kind = ?'),
    modelsOf: db.prepare('SELECT id, record FROM models WHERE kind = ?'),
    putModel: db.prepare('INSERT INTO models (kind, id, record) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET record = excluded.record'),
    dropModel: db.prepare('DELETE FROM models WHERE kind = ? AND id = ?'),
    dropKindModels: db.prepare('DELETE FROM models WHERE kind = ?'),
    docsOf: db.prepare('SELECT key, body FROM documents WHERE namespace = ?'),
    dropDoc: db.prepare('DELETE FROM documents WHERE namespace = ? AND key = ?'),
    putDoc: db.prepare('INSERT INTO documents (namespace, key, body) VALUES (?, ?, ?) ON CONFLICT (namespace, key) DO UPDATE SET body = excluded.body'),
  };
}

/**
 * Observations are rows (kind, id, step index), so each save writes only the steps that changed since the
 * last one, not whole histories; steps older than a series' bound are deleted as it moves on.
 */
export class StateStore {
  private readonly db: Database.Database;
  private readonly stmts: ReturnType<typeof prepare>;

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
      CREATE TABLE IF NOT EXISTS observations (kind TEXT NOT NULL, id TEXT NOT NULL, idx INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (kind, id, idx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS models (kind TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS documents (namespace TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID;
    `);
    const version = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('schema') as string | undefined;
    if (version === undefined) this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION) throw configError(`the state file ${file} has schema version ${version}; this urbanflow reads version ${SCHEMA_VERSION}: move it away to start afresh`);
    this.stmts = prepare(this.db);
  }

  /** Opens (creating) `<dir>/state.sqlite`. */
  static open(dir: string): StateStore {
    try {
      mkdirSync(dir, { recursive: true });
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
  }

  series(kind: string): StoredSeries[] {
    const out: StoredSeries[] = [];
    let cur: { id: string; startIdx: number; points: [number, number][] } | undefined;
    const flush = () => {
      if (!cur) return;
      const last = cur.points[cur.points.length - 1][0];
      const values = new Float64Array(last - cur.startIdx + 1).fill(NaN);
      for (const [idx, v] of cur.points) values[idx - cur.startIdx] = v;
      out.push({ id: cur.id, startIdx: cur.startIdx, values });
    };
    for (const row of this.stmts.seriesOf.iterate(kind) as Iterable<{ id: string; idx: number; value: number }>) {
      if (cur?.id !== row.id) {
        flush();
        cur = { id: row.id, startIdx: row.idx, points: [] };
      }
      cur.points.push([row.idx, row.value]);
    }
    flush();
    return out;
  }

  /** Writes the finite values of steps from `fromIdx` and deletes steps before `keepFromIdx`. */
  saveObservations(kind: string, id: string, fromIdx: number, values: Float64Array, keepFromIdx: number): void {
    for (let i = 0; i < values.length; i++) if (values[i] === values[i]) this.stmts.putObs.run(kind, id, fromIdx + i, values[i]);
    this.stmts.trimObs.run(kind, id, keepFromIdx);
  }

  models(kind: string): { id: string; record: string }[] {
    return this.stmts.modelsOf.all(kind) as { id: string; record: string }[];
  }

  saveModel(kind: string, id: string, record: string): void {
    this.stmts.putModel.run(kind, id, record);
  }

  deleteSeries(kind: string, id: string): void {
    this.stmts.dropObs.run(kind, id);
    this.stmts.dropModel.run(kind, id);
  }

  deleteKind(kind: string): void {
    this.stmts.dropKindObs.run(kind);
    this.stmts.dropKindModels.run(kind);
  }

  documents(namespace: string): { key: string; body: string }[] {
    return this.stmts.docsOf.all(namespace) as { key: string; body: string }[];
  }

  saveDocument(namespace: string, key: string, body: string): void {
    this.stmts.putDoc.run(namespace, key, body);
  }

  deleteDocument(namespace: string, key: string): void {
    this.stmts.dropDoc.run(namespace, key);
  }

  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
