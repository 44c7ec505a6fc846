// API keys in a SQLite file: only a SHA-256 of each key's secret is kept; lookups are cached and follow other writers.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import { inputError } from '../../errors.js';
import { openPrivateDatabase } from '../../io/private-database.js';
import { isRole, ROLES, type Principal, type Role } from './roles.js';

export interface KeyRecord {
  id: string;
  tenant: string;
  role: Role;
  depots: string[];
  areas: string[];
  label: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface NewKey {
  tenant: string;
  role: Role;
  depots?: string[];
  areas?: string[];
  label?: string;
  expiresAt?: number | null;
}

/** A key as other processes receive it (src/app/shared-state): the hash of its secret, never the secret. */
export interface ReplicatedKey extends KeyRecord {
  /** SHA-256 of the secret part, base64. */
  hash: string;
}

/** Where a store's changes go to reach the other processes of a group (a compacted Kafka topic). */
export interface KeyReplication {
  key(record: ReplicatedKey): void;
  tokenSecret(secret: Buffer): void;
}

export type KeyCheck = { ok: true; principal: Principal } | { ok: false; reason: string };

const PREFIX = 'ufk_';
const KEY_PATTERN = /^ufk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** How often a running server looks for keys created or revoked by another process (the CLI). */
const REFRESH_MS = 1000;

interface Row {
  id: string;
  hash: Buffer;
  tenant: string;
  role: string;
  depots: string;
  areas: string;
  label: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function toRecord(r: Row): KeyRecord {
  return {
    id: r.id,
    tenant: r.tenant,
    role: r.role as Role,
    depots: JSON.parse(r.depots) as string[],
    areas: JSON.parse(r.areas) as string[],
    label: r.label,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

export class KeyStore {
  private readonly db: Database.Database;
  private readonly cache = new Map<string, { record: KeyRecord; hash: Buffer }>();
  private dataVersion = -1;
  private loads = 0;
  private checkedAt = -Infinity;
  private secret: Buffer | undefined;
  private replication: KeyReplication | undefined;
  /** Reloading for a replicated change, which must not be sent back. */
  private applying = false;

  private constructor(readonly file: string) {
    // The store holds key hashes and the token signing secret: readable by its owner only.
    this.db = openPrivateDatabase(file, 'busy_timeout = 2000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY, hash BLOB NOT NULL, tenant TEXT NOT NULL, role TEXT NOT NULL,
        depots TEXT NOT NULL, areas TEXT NOT NULL, label TEXT NOT NULL,
        created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER);
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);`);
    this.db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)').run('token-secret', randomBytes(32));
    this.reload();
  }

  static open(file: string): KeyStore {
    return new KeyStore(file);
  }

  /** The HMAC secret that signs access tokens; created with the store so tokens outlive restarts. */
  tokenSecret(): Buffer {
    this.secret ??= (
      this.db.prepare('SELECT value FROM meta WHERE name = ?').get('token-secret') as { value: Buffer }
    ).value;
    return this.secret;
  }

  /**
   * Sends every key of this store to `replication`, then every change seen later that did not come from it:
   * creations and revocations through the API, and through `urbanflow keys` on this store's file.
   */
  replicateTo(replication: KeyReplication): void {
    this.replication = replication;
    for (const { record, hash } of this.cache.values()) replication.key({ ...record, hash: hash.toString('base64') });
  }

  /** Publishes this store's token secret, for a group whose shared state holds none yet. */
  publishTokenSecret(): void {
    this.replication?.tokenSecret(this.tokenSecret());
  }

  /**
   * A key as replicated by any process (this one included). A revocation is never undone: of two revocation
   * times the earlier stands, whatever order they arrive in, so every process ends with the same keys.
   */
  applyReplicated(k: ReplicatedKey): void {
    this.db
      .prepare(
        'INSERT INTO api_keys VALUES (@id, @hash, @tenant, @role, @depots, @areas, @label, @created_at, @expires_at, @revoked_at) ' +
          'ON CONFLICT (id) DO UPDATE SET revoked_at = CASE WHEN api_keys.revoked_at IS NULL THEN excluded.revoked_at ' +
          'WHEN excluded.revoked_at IS NULL THEN api_keys.revoked_at ELSE MIN(api_keys.revoked_at, excluded.revoked_at) END',
      )
      .run({
        id: k.id,
        hash: Buffer.from(k.hash, 'base64'),
        tenant: k.tenant,
        role: k.role,
        depots: JSON.stringify(k.depots),
        areas: JSON.stringify(k.areas),
        label: k.label,
        created_at: k.createdAt,
        expires_at: k.expiresAt,
        revoked_at: k.revokedAt,
      });
    this.applying = true;
    try {
      this.reload();
    } finally {
      this.applying = false;
    }
  }

  /** The group's token secret as replicated (the latest published wins), so a token issued by any process works on all. */
  applyTokenSecret(secret: Buffer): void {
    this.db.prepare('UPDATE meta SET value = ? WHERE name = ?').run(secret, 'token-secret');
    this.secret = secret;
    this.loads++;
  }

  /** Creates a key and returns its secret, which is never stored and cannot be shown again. */
  create(key: NewKey, nowMs: number): { record: KeyRecord; secret: string } {
    if (!TENANT_PATTERN.test(key.tenant))
      throw inputError(`tenant must be 1-128 letters, digits or . _ : - (got ${JSON.stringify(key.tenant)})`, {
        field: 'tenant',
      });
    if (!isRole(key.role))
      throw inputError(`role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(key.role)})`, { field: 'role' });
    const depots = key.depots ?? [];
    const areas = key.areas ?? [];
    if ((depots.length > 0 || areas.length > 0) && key.role !== 'waste-contractor') {
      throw inputError('depots and areas scope waste-contractor keys only', { field: 'depots' });
    }
    for (const d of [...depots, ...areas])
      if (!TENANT_PATTERN.test(d))
        throw inputError(`depot and area ids must be city ids (got ${JSON.stringify(d)})`, { field: 'depots' });
    if (key.expiresAt !== undefined && key.expiresAt !== null && !(key.expiresAt > nowMs))
      throw inputError('expiresAt must be in the future', { field: 'expiresAt' });
    const id = randomBytes(8).toString('hex');
    const secretPart = randomBytes(32).toString('base64url');
    const secret = `${PREFIX}${id}_${secretPart}`;
    const row: Row = {
      id,
      hash: sha256(secretPart),
      tenant: key.tenant,
      role: key.role,
      depots: JSON.stringify(depots),
      areas: JSON.stringify(areas),
      label: key.label ?? '',
      created_at: nowMs,
      expires_at: key.expiresAt ?? null,
      revoked_at: null,
    };
    this.db
      .prepare(
        'INSERT INTO api_keys VALUES (@id, @hash, @tenant, @role, @depots, @areas, @label, @created_at, @expires_at, @revoked_at)',
      )
      .run(row);
    this.reload();
    return { record: toRecord(row), secret };
  }

  list(): KeyRecord[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as Row[]).map(toRecord);
  }

  /** Changes whenever the cached keys are reloaded (a key created or revoked here or by another process). */
  get version(): number {
    return this.loads;
  }

  /** Looks for changes by other processes (at most once a second). */
  poll(nowMs: number): void {
    this.refresh(nowMs, false);
  }

  get(id: string): KeyRecord | undefined {
    return this.cache.get(id)?.record;
  }

  /** Revokes a key (and every token issued for it); false when there is no such key. */
  revoke(id: string, nowMs: number): boolean {
    const changed = this.db
      .prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(nowMs, id).changes;
    this.reload();
    return changed > 0 || this.cache.has(id);
  }

  /** True when some key of this role is neither revoked nor expired. */
  hasActive(role: Role, nowMs: number): boolean {
    this.refresh(nowMs, true);
    for (const { record } of this.cache.values())
      if (record.role === role && usable(record, nowMs) === undefined) return true;
    return false;
  }

  /** True when `id` is the only usable operator key: revoking it would lock every operator out of a running server. */
  isLastActiveOperator(id: string, nowMs: number): boolean {
    this.refresh(nowMs, true);
    const target = this.cache.get(id)?.record;
    if (!target || target.role !== 'operator' || usable(target, nowMs) !== undefined) return false;
    for (const { record } of this.cache.values())
      if (record.id !== id && record.role === 'operator' && usable(record, nowMs) === undefined) return false;
    return true;
  }

  /** Checks a presented key in constant time against the stored hash. */
  verify(presented: string, nowMs: number): KeyCheck {
    const m = KEY_PATTERN.exec(presented);
    if (!m)
      return {
        ok: false,
        reason: 'the credential is neither an urbanflow API key (ufk_...) nor an access token (uft....)',
      };
    this.refresh(nowMs, false);
    let entry = this.cache.get(m[1]);
    if (!entry) {
      this.refresh(nowMs, true);
      entry = this.cache.get(m[1]);
    }
    // Hash even for an unknown id, so a miss costs the same as a wrong secret.
    const hash = sha256(m[2]);
    if (!entry || !timingSafeEqual(hash, entry.hash)) return { ok: false, reason: 'unknown API key' };
    const unusable = usable(entry.record, nowMs);
    if (unusable) return { ok: false, reason: unusable };
    return { ok: true, principal: principalOf(entry.record, 'key') };
  }

  /** Whether a key behind a token is still usable; the reason when it is not. */
  keyProblem(id: string, nowMs: number): string | undefined {
    this.refresh(nowMs, false);
    const entry = this.cache.get(id);
    return entry ? usable(entry.record, nowMs) : 'the key behind this token no longer exists';
  }

  close(): void {
    this.db.close();
  }

  private refresh(nowMs: number, force: boolean): void {
    if (!force && nowMs - this.checkedAt < REFRESH_MS) return;
    this.checkedAt = nowMs;
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) this.reload();
  }

  private reload(): void {
    this.loads++;
    this.dataVersion = this.db.pragma('data_version', { simple: true }) as number;
    const before = new Map(this.cache);
    this.cache.clear();
    for (const row of this.db.prepare('SELECT * FROM api_keys').all() as Row[])
      this.cache.set(row.id, { record: toRecord(row), hash: row.hash });
    if (!this.replication || this.applying) return;
    for (const [id, { record, hash }] of this.cache) {
      const was = before.get(id)?.record;
      if (!was || was.revokedAt !== record.revokedAt)
        this.replication.key({ ...record, hash: hash.toString('base64') });
    }
  }
}

function usable(r: KeyRecord, nowMs: number): string | undefined {
  if (r.revokedAt !== null) return `API key ${r.id} was revoked at ${new Date(r.revokedAt).toISOString()}`;
  if (r.expiresAt !== null && r.expiresAt <= nowMs)
    return `API key ${r.id} expired at ${new Date(r.expiresAt).toISOString()}`;
  return undefined;
}

export function principalOf(r: KeyRecord, via: Principal['via']): Principal {
  return { keyId: r.id, tenant: r.tenant, role: r.role, depots: r.depots, areas: r.areas, via };
}
