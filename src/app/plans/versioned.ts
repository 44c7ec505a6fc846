// Versioned results per key: a new version (monotonic) and ETag only when the content changes; survives restarts.
import type { Replica } from '../replica.js';
import { etagOf } from './etag.js';

export interface Versioned<T> {
  version: number;
  etag: string;
  /** Service time the content was computed. */
  computedAtMs: number;
  /** When the content takes effect, and until when it was computed for. */
  effectiveFromMs: number;
  effectiveUntilMs: number;
  body: T;
}

/** Where versions persist: one JSON document per key. */
export interface VersionPersistence {
  load(): { key: string; body: string }[];
  save(key: string, body: string): void;
  remove(key: string): void;
}

export interface VersionLogOptions {
  /** Shares versions with the other processes of a group: the highest version of a key stands everywhere. */
  replica?: Replica;
  /**
   * Also keep the entry a publish replaced, e.g. the plan still in effect while the next period's plan is
   * published ahead of its start. It is saved in the same document as the current entry.
   */
  keepPrevious?: boolean;
}

function isEntry(v: unknown): v is Versioned<unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger((v as Versioned<unknown>).version) &&
    typeof (v as Versioned<unknown>).etag === 'string'
  );
}

export class VersionLog<T> {
  private readonly entries = new Map<string, Versioned<T>>();
  private readonly previous = new Map<string, Versioned<T>>();
  /** Highest version ever given per key, so a key removed and re-added does not reuse numbers. */
  private readonly highest = new Map<string, number>();

  constructor(
    private readonly persistence?: VersionPersistence,
    private readonly options: VersionLogOptions = {},
  ) {
    for (const { key, body } of persistence?.load() ?? []) {
      try {
        const { previous, ...entry } = JSON.parse(body) as Versioned<T> & { previous?: Versioned<T> };
        if (!isEntry(entry)) continue;
        this.entries.set(key, entry);
        this.highest.set(key, entry.version);
        if (options.keepPrevious && isEntry(previous)) this.previous.set(key, previous);
      } catch {
        // An unreadable document only costs its key a recomputation.
      }
    }
    options.replica?.subscribe((key, doc) => this.applyReplicated(key, doc));
  }

  /**
   * A version published by any process (this one included): it replaces the current entry when its version is
   * higher, or equal with a higher ETag (two publishers at once), so every process ends with the same entry.
   */
  private applyReplicated(key: string, doc: string | null): void {
    if (doc === null) {
      this.entries.delete(key);
      this.previous.delete(key);
      this.persistence?.remove(key);
      return;
    }
    const { previous, ...entry } = JSON.parse(doc) as Versioned<T> & { previous?: Versioned<T> };
    if (!isEntry(entry)) throw new Error(`a replicated version of ${key} is not a versioned entry`);
    const cur = this.entries.get(key);
    if (cur && (entry.version < cur.version || (entry.version === cur.version && entry.etag <= cur.etag))) return;
    this.entries.set(key, entry);
    this.highest.set(key, Math.max(entry.version, this.highest.get(key) ?? 0));
    if (isEntry(previous)) this.previous.set(key, previous);
    else this.previous.delete(key);
    this.persistence?.save(key, doc);
  }

  get(key: string): Versioned<T> | undefined {
    return this.entries.get(key);
  }

  /** The entry the latest publish replaced (with `keepPrevious`), or undefined. */
  previousOf(key: string): Versioned<T> | undefined {
    return this.previous.get(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Publishes `body` for `key`. The ETag hashes the body and its effective span; when it equals the current
   * one nothing changes (same version, same effective time), else the version goes up by one.
   */
  publish(
    key: string,
    body: T,
    meta: { computedAtMs: number; effectiveFromMs: number; effectiveUntilMs: number },
  ): { entry: Versioned<T>; changed: boolean } {
    const etag = etagOf({ body, effectiveUntilMs: meta.effectiveUntilMs });
    const cur = this.entries.get(key);
    if (cur && cur.etag === etag) return { entry: cur, changed: false };
    const version = (this.highest.get(key) ?? 0) + 1;
    const entry: Versioned<T> = { version, etag, ...meta, body };
    this.entries.set(key, entry);
    this.highest.set(key, version);
    if (this.options.keepPrevious && cur) this.previous.set(key, cur);
    const previous = this.previous.get(key);
    const doc = JSON.stringify(previous ? { ...entry, previous } : entry);
    this.persistence?.save(key, doc);
    this.options.replica?.publish(key, doc);
    return { entry, changed: true };
  }

  /** Forgets a key here and in persistence; its version numbers are not reused while this log lives. */
  delete(key: string): void {
    this.entries.delete(key);
    this.previous.delete(key);
    this.persistence?.remove(key);
    this.options.replica?.publish(key, null);
  }
}
