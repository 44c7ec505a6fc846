// Plans in a SQLite file: requests, their status and their results, so plans and pending solves survive a restart.
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { openPrivateDatabase } from '../../io/private-database.js';
import { unservablePath } from './servable.js';
import type { PlanKindName, TaskError } from '../../runtime/index.js';

export type PlanStatus = 'queued' | 'done' | 'failed';

export interface PlanRecord {
  id: string;
  kind: PlanKindName;
  tenant: string;
  keyId: string;
  /** The depot of a route plan; empty for the other kinds. */
  scope: string;
  status: PlanStatus;
  createdAt: number;
  finishedAt: number | null;
  /** JSON text, parsed only where needed: a stored plan is sent as it was written. */
  requestJson: string;
  /** Where inputs the request left out came from (a feeder's load forecast), as JSON text; null when none were filled. */
  inputsJson: string | null;
  resultJson: string | null;
  error: TaskError | null;
}

export interface PlanSummary {
  id: string;
  kind: PlanKindName;
  tenant: string;
  scope: string;
  status: PlanStatus;
  createdAt: number;
  finishedAt: number | null;
}

export interface PlanQuery {
  kind: PlanKindName;
  tenant?: string;
  scopes?: string[];
  limit: number;
  /** Plans created strictly before this plan (the page cursor). */
  before?: { createdAt: number; id: string };
}

/** Where a store's changes go to reach the other processes of a group (a compacted Kafka topic). */
export type PlanReplication = (record: PlanRecord) => void;

const PREFIX: Record<PlanKindName, string> = { dispatch: 'dsp', route: 'rte', signals: 'sig' };

interface Row {
  id: string;
  kind: string;
  tenant: string;
  key_id: string;
  scope: string;
  status: string;
  created_at: number;
  finished_at: number | null;
  request: string;
  inputs: string | null;
  result: string | null;
  error: string | null;
}

function toRecord(r: Row): PlanRecord {
  return {
    id: r.id,
    kind: r.kind as PlanKindName,
    tenant: r.tenant,
    keyId: r.key_id,
    scope: r.scope,
    status: r.status as PlanStatus,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    requestJson: r.request,
    inputsJson: r.inputs ?? null,
    resultJson: r.result,
    error: r.error === null ? null : (JSON.parse(r.error) as TaskError),
  };
}

export class PlanStore {
  private readonly db: Database.Database;
  private readonly stmt: Record<'insert' | 'get' | 'finish' | 'pending' | 'counts' | 'merge', Database.Statement>;
  private replication: PlanReplication | undefined;

  private constructor(file: string) {
    // A committed plan must survive a crash of the process, not only of the machine: NORMAL is enough under WAL.
    this.db = openPrivateDatabase(file, 'synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS plans (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, tenant TEXT NOT NULL, key_id TEXT NOT NULL, scope TEXT NOT NULL,
        status TEXT NOT NULL, created_at INTEGER NOT NULL, finished_at INTEGER,
        request TEXT NOT NULL, result TEXT, error TEXT);
      CREATE INDEX IF NOT EXISTS plans_by_kind ON plans (kind, created_at DESC, id DESC);
      CREATE INDEX IF NOT EXISTS plans_pending ON plans (status) WHERE status = 'queued';`);
    // Stores written before plans recorded their derived inputs get the column, empty for their plans.
    if (!(this.db.pragma('table_info(plans)') as { name: string }[]).some((c) => c.name === 'inputs'))
      this.db.exec('ALTER TABLE plans ADD COLUMN inputs TEXT');
    this.stmt = {
      insert: this.db.prepare(
        'INSERT INTO plans (id, kind, tenant, key_id, scope, status, created_at, finished_at, request, inputs, result, error) ' +
          'VALUES (@id, @kind, @tenant, @key_id, @scope, @status, @created_at, @finished_at, @request, @inputs, @result, @error)',
      ),
      get: this.db.prepare('SELECT * FROM plans WHERE id = ?'),
      finish: this.db.prepare(
        'UPDATE plans SET status = @status, finished_at = @finished_at, result = @result, error = @error WHERE id = @id',
      ),
      pending: this.db.prepare("SELECT * FROM plans WHERE status = 'queued' ORDER BY created_at, id"),
      counts: this.db.prepare('SELECT kind, status, COUNT(*) AS count FROM plans GROUP BY kind, status'),
      // A finished plan is never queued again; of two outcomes (a plan solved twice, e.g. resumed by two processes
      // after a restart) the one finished first stands, ties broken by content, in whatever order they arrive.
      merge: this.db.prepare(
        'INSERT INTO plans (id, kind, tenant, key_id, scope, status, created_at, finished_at, request, inputs, result, error) ' +
          'VALUES (@id, @kind, @tenant, @key_id, @scope, @status, @created_at, @finished_at, @request, @inputs, @result, @error) ' +
          'ON CONFLICT (id) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at, result = excluded.result, error = excluded.error ' +
          "WHERE excluded.status <> 'queued' AND (plans.status = 'queued' OR excluded.finished_at < plans.finished_at OR " +
          "(excluded.finished_at = plans.finished_at AND COALESCE(excluded.result, excluded.error, '') < COALESCE(plans.result, plans.error, '')))",
      ),
    };
  }

  static open(file: string): PlanStore {
    return new PlanStore(file);
  }

  create(
    p: { kind: PlanKindName; tenant: string; keyId: string; scope: string; request: unknown; inputs?: unknown },
    nowMs: number,
  ): PlanRecord {
    const row: Row = {
      id: `${PREFIX[p.kind]}_${randomBytes(12).toString('hex')}`,
      kind: p.kind,
      tenant: p.tenant,
      key_id: p.keyId,
      scope: p.scope,
      status: 'queued',
      created_at: nowMs,
      finished_at: null,
      request: JSON.stringify(p.request),
      inputs: p.inputs === undefined ? null : JSON.stringify(p.inputs),
      result: null,
      error: null,
    };
    this.stmt.insert.run(row);
    const record = toRecord(row);
    this.replication?.(record);
    return record;
  }

  /** Sends every plan of this store to `replication`, then every plan created or finished here. */
  replicateTo(replication: PlanReplication): void {
    this.replication = replication;
    for (const row of this.db.prepare('SELECT * FROM plans ORDER BY created_at, id').iterate() as Iterable<Row>)
      replication(toRecord(row));
  }

  /** A plan as replicated by any process (this one included); see the merge rule above. */
  applyReplicated(r: PlanRecord): void {
    this.stmt.merge.run({
      id: r.id,
      kind: r.kind,
      tenant: r.tenant,
      key_id: r.keyId,
      scope: r.scope,
      status: r.status,
      created_at: r.createdAt,
      finished_at: r.finishedAt,
      request: r.requestJson,
      inputs: r.inputsJson,
      result: r.resultJson,
      error: r.error === null ? null : JSON.stringify(r.error),
    } satisfies Row);
  }

  get(id: string): PlanRecord | undefined {
    const row = this.stmt.get.get(id) as Row | undefined;
    return row && toRecord(row);
  }

  /**
   * Records the outcome of a solve. A result that JSON cannot carry (a NaN or infinite number) is never stored as a
   * plan, which could then not be served: it is recorded as a failure naming the value. Returns the status stored.
   */
  finish(id: string, outcome: { result: unknown } | { error: TaskError }, nowMs: number): 'done' | 'failed' {
    const bad = 'result' in outcome ? unservablePath(outcome.result) : undefined;
    const error: TaskError | null =
      'error' in outcome
        ? outcome.error
        : bad !== undefined
          ? {
              code: 'UF_ERR_INTERNAL',
              message: `the solver returned a plan whose ${bad} is not a finite number; it was not stored (a solver bug: report the request)`,
              details: { field: bad },
            }
          : null;
    const finished = {
      status: error ? 'failed' : 'done',
      finished_at: nowMs,
      result: error ? null : JSON.stringify((outcome as { result: unknown }).result),
      error: error ? JSON.stringify(error) : null,
    };
    if (!this.replication) this.stmt.finish.run({ id, ...finished });
    else {
      // Shared by a group: the same merge as a replicated outcome, so every process keeps the same one.
      const cur = this.stmt.get.get(id) as Row | undefined;
      if (cur) {
        const row: Row = { ...cur, ...finished };
        this.stmt.merge.run(row);
        this.replication(toRecord(row));
      }
    }
    return error ? 'failed' : 'done';
  }

  /** Plans accepted but not solved, e.g. when the process stopped mid-solve: they are solved again at start. */
  pending(): PlanRecord[] {
    return (this.stmt.pending.all() as Row[]).map(toRecord);
  }

  list(q: PlanQuery): PlanSummary[] {
    const where = ['kind = @kind'];
    const params: Record<string, unknown> = { kind: q.kind, limit: q.limit };
    if (q.tenant !== undefined) {
      where.push('tenant = @tenant');
      params.tenant = q.tenant;
    }
    if (q.scopes !== undefined) {
      where.push(`scope IN (${q.scopes.map((_, i) => `@s${i}`).join(', ') || "''"})`);
      q.scopes.forEach((s, i) => (params[`s${i}`] = s));
    }
    if (q.before) {
      where.push('(created_at < @bc OR (created_at = @bc AND id < @bi))');
      params.bc = q.before.createdAt;
      params.bi = q.before.id;
    }
    const sql = `SELECT id, kind, tenant, key_id, scope, status, created_at, finished_at FROM plans WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map((r) => ({
      id: r.id,
      kind: r.kind as PlanKindName,
      tenant: r.tenant,
      scope: r.scope,
      status: r.status as PlanStatus,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    }));
  }

  counts(): { kind: string; status: string; count: number }[] {
    return this.stmt.counts.all() as { kind: string; status: string; count: number }[];
  }

  close(): void {
    this.db.close();
  }
}
