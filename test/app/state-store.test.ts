// The state file's write-ahead log is checkpointed by a worker thread, not inside the commits of the event loop.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { StateStore } from '../../src/app/state-store.js';

const until = async (ok: () => boolean, ms = 30_000): Promise<void> => {
  for (const end = Date.now() + ms; !ok();) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('StateStore checkpoints', () => {
  it('checkpoints what its commits wrote in the worker thread, and everything reads back after a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-state-'));
    try {
      const store = StateStore.open(dir);
      const record = (b: number, i: number) => JSON.stringify({ b, i, pad: 'x'.repeat(12_000) });
      // 6 MB in batches of 32 models of 12 kB, as refit batches save them: more than one automatic checkpoint's worth.
      for (let b = 0; b < 16; b++) {
        store.transaction(() => {
          for (let i = 0; i < 32; i++) store.models.save('laneGroup', `s${b}-${i}`, record(b, i));
        });
      }
      await until(() => store.checkpointStats().checkpoints > 0);
      expect(store.checkpointStats().failed).toBeNull();
      store.documents.save('plans', 'k', 'v');
      const before = store.checkpointStats().checkpoints;
      await until(() => store.checkpointStats().checkpoints > before);
      await store.close();

      const again = StateStore.open(dir);
      try {
        const models = again.models.list('laneGroup');
        expect(models).toHaveLength(16 * 32);
        for (const m of models) {
          const [b, i] = m.key.slice(1).split('-').map(Number);
          expect(m.body).toBe(record(b, i));
        }
        expect(again.documents.list('plans')).toEqual([{ key: 'k', body: 'v' }]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WalCheckpointer.close', () => {
  it('keeps a process alive until its worker has ended, when nothing else is pending', () => {
    // the compiled build, as the service runs it (npm test builds first)
    const script = `
      import Database from 'better-sqlite3';
      import { startWalCheckpointer } from './dist/src/app/wal-checkpointer.js';
      const file = process.argv[1];
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      const checkpointer = startWalCheckpointer(db, file);
      db.exec('create table t (x)');
      checkpointer.written();
      await checkpointer.close();
      process.stdout.write('closed');`;
    const dir = mkdtempSync(join(tmpdir(), 'uf-wal-close-'));
    try {
      // an unref'd worker let the process end inside the await (status 13) in two runs of three
      for (let run = 0; run < 3; run++) {
        const out = spawnSync(process.execPath, ['--input-type=module', '-e', script, join(dir, `s${run}.db`)], {
          encoding: 'utf8',
        });
        expect({ status: out.status, stdout: out.stdout }, out.stderr).toEqual({ status: 0, stdout: 'closed' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('StateStore records', () => {
  it('keeps models and documents apart, replaces by key, and deletes a series or a kind with its models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-state-'));
    const store = StateStore.open(dir);
    try {
      store.models.save('feeder', 'a', '{"v":1}');
      store.models.save('feeder', 'a', '{"v":2}');
      store.models.save('feeder', 'b', '{"v":3}');
      store.models.save('bin', 'a', '{"v":4}');
      store.documents.save('feeder', 'a', 'doc');
      store.saveChunks('feeder', 'a', 0, 2, new Float64Array([1, 2]), 0);
      expect(store.models.list('feeder')).toEqual([
        { key: 'a', body: '{"v":2}' },
        { key: 'b', body: '{"v":3}' },
      ]);

      store.deleteSeries('feeder', 'a');
      expect(store.models.list('feeder')).toEqual([{ key: 'b', body: '{"v":3}' }]);
      expect(store.series('feeder', 2)).toEqual([]);
      expect(store.documents.list('feeder')).toEqual([{ key: 'a', body: 'doc' }]);

      store.deleteKind('feeder');
      expect(store.models.list('feeder')).toEqual([]);
      expect(store.models.list('bin')).toEqual([{ key: 'a', body: '{"v":4}' }]);

      store.documents.delete('feeder', 'a');
      expect(store.documents.list('feeder')).toEqual([]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
