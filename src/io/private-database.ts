// A store's SQLite database in the state directory: the file created readable by its owner only, opened in WAL mode.
import Database from 'better-sqlite3';
import { preparePrivateDatabase } from './private-files.js';

/** Opens (creating) a 0600 database file in WAL mode, then applies the store's own pragmas in order. */
export function openPrivateDatabase(file: string, ...pragmas: string[]): Database.Database {
  preparePrivateDatabase(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const pragma of pragmas) db.pragma(pragma);
  return db;
}
