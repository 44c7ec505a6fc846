// A table of the state file holding text bodies under a key within a group: fitted models (by kind and series id)
// and plan versions (by namespace and key) are two of these.
import type Database from 'better-sqlite3';

/** How one such table names its three columns (the group and the key are its primary key). */
export interface KeyedTextColumns {
  table: string;
  group: string;
  key: string;
  body: string;
}

export class KeyedTexts {
  private readonly listStmt: Database.Statement;
  private readonly saveStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly deleteGroupStmt: Database.Statement;

  /** `wrote` is told of every write (the store hands it to its checkpoint thread). */
  constructor(
    db: Database.Database,
    { table, group, key, body }: KeyedTextColumns,
    private readonly wrote: () => void,
  ) {
    this.listStmt = db.prepare(`SELECT ${key} AS key, ${body} AS body FROM ${table} WHERE ${group} = ?`);
    this.saveStmt = db.prepare(
      `INSERT INTO ${table} (${group}, ${key}, ${body}) VALUES (?, ?, ?) ON CONFLICT (${group}, ${key}) DO UPDATE SET ${body} = excluded.${body}`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM ${table} WHERE ${group} = ? AND ${key} = ?`);
    this.deleteGroupStmt = db.prepare(`DELETE FROM ${table} WHERE ${group} = ?`);
  }

  list(group: string): { key: string; body: string }[] {
    return this.listStmt.all(group) as { key: string; body: string }[];
  }

  save(group: string, key: string, body: string): void {
    this.saveStmt.run(group, key, body);
    this.wrote();
  }

  delete(group: string, key: string): void {
    this.deleteStmt.run(group, key);
    this.wrote();
  }

  deleteGroup(group: string): void {
    this.deleteGroupStmt.run(group);
    this.wrote();
  }
}
