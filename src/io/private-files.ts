// The state directory holds key hashes and the token secret, stored plans, forecast history and the city: created
// readable by its owner only (directory 0700, files 0600), whatever the umask.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Creates a directory (and missing parents) as 0700; an existing directory is the operator's and keeps its mode. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Makes sure a SQLite database file exists with mode 0600 before SQLite opens it: SQLite creates its -wal, -shm and
 * -journal files with the database file's mode. Files left by an older version are tightened too.
 */
export function preparePrivateDatabase(file: string): void {
  ensurePrivateDir(dirname(file));
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/** Replaces a file's contents atomically (write a 0600 temporary file, then rename). */
export function writePrivateFile(file: string, text: string): void {
  ensurePrivateDir(dirname(file));
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  // A temporary file left by an earlier crash keeps its old mode through writeFileSync.
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
