// The state file's WAL checkpoints, taken off the event loop: SQLite's automatic checkpoint runs inside the commit
// that fills the log (every ~4 MB: a refit of the sample city's models fills it several times), copying the log
// into the database and syncing both on the thread that commits. Here the committing connection never checkpoints;
// a worker thread with its own connection does, shortly after writes.
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { workerFile } from '../worker-file.js';
import type { CheckpointReply } from './wal-checkpoint-worker.js';

/** SQLite's default automatic checkpoint (pages), restored on the committing connection if the worker fails. */
const AUTO_CHECKPOINT_PAGES = 1000;

export interface WalCheckpointer {
  /** After a committed write: a checkpoint follows within `delayMs` unless one is already asked for. */
  written(): void;
  /** Checkpoints taken, and the worker's failure (then the committing connection checkpoints itself again). */
  stats(): { checkpoints: number; failed: string | null };
  /** Asks the worker to close its connection; resolves once it has ended. */
  close(): Promise<void>;
}

export function startWalCheckpointer(db: Database.Database, file: string, delayMs = 200): WalCheckpointer {
  const worker = new Worker(workerFile(import.meta.url, './wal-checkpoint-worker.js'), {
    workerData: { file, delayMs },
  });
  // Only once the worker exists: if it cannot start, SQLite's own checkpoints stay on.
  db.pragma('wal_autocheckpoint = 0');
  worker.unref();
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let asked = false;
  let closed = false;
  let checkpoints = 0;
  let failed: string | null = null;
  const fail = (message: string): void => {
    if (failed !== null || closed) return;
    failed = message;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    process.stderr.write(
      `urbanflow: the state file's checkpoint thread failed (${message}); checkpointing on the main thread\n`,
    );
  };
  worker.on('message', (r: CheckpointReply) => {
    asked = false;
    if (r.ok) checkpoints++;
    else fail(r.message);
  });
  worker.on('error', (err) => fail(err.message));
  worker.on('exit', (code) => fail(`exited with code ${code}`));
  return {
    written() {
      if (asked || closed || failed !== null) return;
      asked = true;
      worker.postMessage('checkpoint');
    },
    stats: () => ({ checkpoints, failed }),
    close() {
      if (!closed) {
        closed = true;
        // The worker closes its connection and ends; the last connection to close checkpoints what is left. Held
        // (ref) until it has: a shutdown awaiting an unref'd worker's exit with nothing else pending let the process
        // end there, with status 0 and the rest of the shutdown (closing open windows, the final stats) not done.
        worker.ref();
        worker.postMessage('close');
      }
      return ended;
    },
  };
}
