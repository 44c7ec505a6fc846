// Worker thread that checkpoints the state file's write-ahead log: the copy into the database file and its fsync
// (tens to hundreds of milliseconds on a busy disk) run here, not on the event loop that commits.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** Asked after writes, at most once per `delayMs`; answers each checkpoint with SQLite's counts, or its error. */
export type CheckpointReply =
  { ok: true; busy: number; log: number; checkpointed: number } | { ok: false; message: string };

const { file, delayMs } = workerData as { file: string; delayMs: number };
const port = parentPort!;
const db = new Database(file);
let timer: NodeJS.Timeout | undefined;

function checkpoint(): void {
  timer = undefined;
  let reply: CheckpointReply;
  try {
    // PASSIVE never waits for the writer: frames it cannot copy yet are copied by the next request.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    reply = { ok: true, ...r };
  } catch (err) {
    reply = { ok: false, message: (err as Error).message };
  }
  port.postMessage(reply);
}

port.on('message', (m: 'checkpoint' | 'close') => {
  if (m === 'close') {
    clearTimeout(timer);
    db.close();
    port.close();
    return;
  }
  timer ??= setTimeout(checkpoint, delayMs);
});
