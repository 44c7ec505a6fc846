// The key store and `urbanflow keys`: hashed at rest, secrets shown once, revocation seen by a running server.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyStore } from '../../src/api/access/index.js';

const CLI = new URL('../../bin/urbanflow.js', import.meta.url).pathname;

function withDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'uf-keys-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('key store', () => {
  it('keeps only a hash of each secret', () =>
    withDir((dir) => {
      const store = KeyStore.open(join(dir, 'keys.db'));
      const { secret } = store.create({ tenant: 'grid-a', role: 'utility' }, 1000);
      store.close();
      const secretPart = secret.slice('ufk_0123456789abcdef_'.length);
      for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).includes(secretPart)).toBe(false);
      const again = KeyStore.open(join(dir, 'keys.db'));
      expect(again.verify(secret, 2000)).toMatchObject({ ok: true, principal: { tenant: 'grid-a', role: 'utility' } });
      expect(again.verify(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, 2000).ok).toBe(false);
      again.close();
    }));

  it('sees keys created and revoked by another process within a second', () =>
    withDir((dir) => {
      const server = KeyStore.open(join(dir, 'keys.db'));
      const cli = KeyStore.open(join(dir, 'keys.db'));
      const { record, secret } = cli.create({ tenant: 'tmc', role: 'traffic-center' }, 1000);
      expect(server.verify(secret, 1000).ok).toBe(true);
      cli.revoke(record.id, 1500);
      expect(server.verify(secret, 3000)).toEqual({ ok: false, reason: expect.stringMatching(/revoked/) });
      cli.close();
      server.close();
    }));

  it('refuses contractor scope on other roles and unknown roles', () =>
    withDir((dir) => {
      const store = KeyStore.open(join(dir, 'keys.db'));
      expect(() => store.create({ tenant: 'grid-a', role: 'utility', depots: ['d1'] }, 1)).toThrow(/waste-contractor keys only/);
      expect(() => store.create({ tenant: 'grid-a', role: 'admin' as never }, 1)).toThrow(/role must be one of/);
      store.close();
    }));
});

describe('urbanflow keys', () => {
  it('creates (printing the secret once), lists without secrets, and revokes', () =>
    withDir((dir) => {
      const run = (...args: string[]) => execFileSync(process.execPath, [CLI, 'keys', ...args, '--state-dir', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const secret = run('create', '--tenant', 'cleanway', '--role', 'waste-contractor', '--depots', 'depot-1,depot-3').trim();
      expect(secret).toMatch(/^ufk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const listed = JSON.parse(run('list', '--json'));
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ tenant: 'cleanway', role: 'waste-contractor', depots: ['depot-1', 'depot-3'], revokedAt: null });
      expect(JSON.stringify(listed)).not.toContain(secret.slice('ufk_0123456789abcdef_'.length));
      run('revoke', listed[0].id);
      expect(JSON.parse(run('list', '--json'))[0].revokedAt).not.toBeNull();
      expect(() => run('create', '--tenant', 'x', '--role', 'mayor')).toThrow();
    }));
});
