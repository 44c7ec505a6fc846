// Everything the service keeps in its state directory is readable by its owner only, whatever the umask.
import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../api/harness.js';
import { StateStore } from '../../src/app/state-store.js';
import { preparePrivateDatabase } from '../../src/io/private-files.js';

const mode = (f: string) => statSync(f).mode & 0o777;

describe('state directory files', () => {
  it('creates the state directory 0700 and keys.db, plans.db, state.sqlite and city-*.json 0600', async () => {
    const root = mkdtempSync(join(tmpdir(), 'uf-perm-'));
    const old = process.umask(0o022);
    try {
      const stateDir = join(root, 'state');
      const h = await startHarness({ stateDir });
      const bin = structuredClone(h.city.waste.bins[0]);
      bin.volumeL += 10;
      const put = await h.app.inject({
        method: 'PUT',
        url: `/v1/city/bins/${bin.id}`,
        headers: h.auth('operator'),
        payload: bin,
      });
      expect(put.statusCode).toBe(200);
      await StateStore.open(stateDir).close();
      await h.close({ keepState: true });
      expect(mode(stateDir)).toBe(0o700);
      const files = readdirSync(stateDir);
      for (const f of ['keys.db', 'plans.db', 'state.sqlite', `city-${h.city.id}.json`]) expect(files).toContain(f);
      for (const f of files) expect({ f, mode: mode(join(stateDir, f)).toString(8) }).toEqual({ f, mode: '600' });
    } finally {
      process.umask(old);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('tightens a database and its WAL files left readable by an older version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-perm-'));
    try {
      const file = join(dir, 'plans.db');
      for (const f of [file, `${file}-wal`]) {
        writeFileSync(f, '');
        chmodSync(f, 0o644);
      }
      preparePrivateDatabase(file);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(existsSync(`${file}-shm`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
