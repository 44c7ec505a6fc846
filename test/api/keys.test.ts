// The key store and `urbanflow keys`: hashed at rest, secrets shown once, revocation seen by a running server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyStore } from '../../src/api/access/index.js';
import { startHarness, type Harness } from './harness.js';

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
      expect(() => store.create({ tenant: 'grid-a', role: 'utility', depots: ['d1'] }, 1)).toThrow(
        /waste-contractor keys only/,
      );
      expect(() => store.create({ tenant: 'grid-a', role: 'admin' as never }, 1)).toThrow(/role must be one of/);
      store.close();
    }));
});

describe('urbanflow keys', () => {
  it('creates (printing the secret once), lists without secrets, and revokes', () =>
    withDir((dir) => {
      const run = (...args: string[]) =>
        execFileSync(process.execPath, [CLI, 'keys', ...args, '--state-dir', dir], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      const secret = run(
        'create',
        '--tenant',
        'cleanway',
        '--role',
        'waste-contractor',
        '--depots',
        'depot-1,depot-3',
      ).trim();
      expect(secret).toMatch(/^ufk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const listed = JSON.parse(run('list', '--json'));
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        tenant: 'cleanway',
        role: 'waste-contractor',
        depots: ['depot-1', 'depot-3'],
        revokedAt: null,
      });
      expect(JSON.stringify(listed)).not.toContain(secret.slice('ufk_0123456789abcdef_'.length));
      run('revoke', listed[0].id);
      expect(JSON.parse(run('list', '--json'))[0].revokedAt).not.toBeNull();
      expect(() => run('create', '--tenant', 'x', '--role', 'mayor')).toThrow();
    }));
});

describe('urbanflow keys: guard rails', () => {
  it('refuses depots and areas the city does not have, naming them', () =>
    withDir((dir) => {
      const r = spawnSync(
        process.execPath,
        [
          CLI,
          'keys',
          'create',
          '--tenant',
          'cleanway',
          '--role',
          'waste-contractor',
          '--depots',
          'depot-1,depot-999',
          '--state-dir',
          dir,
        ],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--depots: no depot 'depot-999' in city .*checked against the shipped sample city/);
      const areas = spawnSync(
        process.execPath,
        [
          CLI,
          'keys',
          'create',
          '--tenant',
          'cleanway',
          '--role',
          'waste-contractor',
          '--areas',
          'atlantis',
          '--state-dir',
          dir,
        ],
        { encoding: 'utf8' },
      );
      expect(areas.status).toBe(2);
      expect(areas.stderr).toMatch(/--areas: no area 'atlantis'/);
      const store = KeyStore.open(join(dir, 'keys.db'));
      expect(store.list()).toEqual([]);
      store.close();
    }));

  it('refuses to revoke the last active operator key unless forced', () =>
    withDir((dir) => {
      const store = KeyStore.open(join(dir, 'keys.db'));
      const only = store.create({ tenant: 'local', role: 'operator' }, Date.now()).record;
      store.close();
      const revoke = (...extra: string[]) =>
        spawnSync(process.execPath, [CLI, 'keys', 'revoke', only.id, '--state-dir', dir, ...extra], {
          encoding: 'utf8',
        });
      const refused = revoke();
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/last active operator key/);
      expect(revoke('--force').status).toBe(0);
    }));
});

describe('keys and tokens over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('mints tokens for keys only, never for a token', async () => {
    const key = await h.app.inject({ method: 'POST', url: '/v1/tokens', headers: h.auth('cleanway'), payload: {} });
    expect(key.statusCode).toBe(201);
    const token = key.json().token as string;
    const again = await h.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    });
    expect(again.statusCode).toBe(403);
    expect(again.json()).toMatchObject({
      type: 'urn:urbanflow:problem:forbidden',
      detail: expect.stringMatching(/access token cannot mint tokens/),
    });
  });

  it('refuses a contractor key scoped to a depot or area the city does not have', async () => {
    const post = (body: object) =>
      h.app.inject({ method: 'POST', url: '/v1/keys', headers: h.auth('operator'), payload: body });
    const bad = await post({ tenant: 'cleanway', role: 'waste-contractor', depots: ['depot-1', 'depot-999'] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([
      { path: 'body.depots', message: expect.stringMatching(/no depot 'depot-999'/) },
    ]);
    expect(
      (await post({ tenant: 'cleanway', role: 'waste-contractor', areas: ['nowhere'] })).json().errors[0].path,
    ).toBe('body.areas');
    const area = h.city.waste.bins[0].area;
    expect(
      (await post({ tenant: 'cleanway', role: 'waste-contractor', depots: ['depot-1'], areas: [area] })).statusCode,
    ).toBe(201);
  });

  it('keeps the last active operator key, and revokes the calling key only with ?confirm=self', async () => {
    const keys = h.app.urbanflow.keys;
    const operators = () => keys.list().filter((k) => k.role === 'operator' && k.revokedAt === null);
    const del = (id: string, secret: string, query = '') =>
      h.app.inject({ method: 'DELETE', url: `/v1/keys/${id}${query}`, headers: { authorization: `Bearer ${secret}` } });
    const [first] = operators();
    const second = keys.create({ tenant: 'city-ops', role: 'operator' }, h.clock.now);
    const firstSecret = h.secrets.operator!;
    expect(first.id).not.toBe(second.record.id);

    const self = await del(first.id, firstSecret);
    expect(self.statusCode).toBe(409);
    expect(self.json().detail).toMatch(/key this request is made with; to revoke it anyway, add \?confirm=self/);
    expect((await del(first.id, firstSecret, '?confirm=yes')).statusCode).toBe(400);
    expect((await del(first.id, firstSecret, '?confirm=self')).statusCode).toBe(200);

    expect(operators().map((k) => k.id)).toEqual([second.record.id]);
    for (const query of ['', '?confirm=self']) {
      const last = await del(second.record.id, second.secret, query);
      expect(last.statusCode).toBe(409);
      expect(last.json().detail).toMatch(/last active operator key/);
    }
    expect(operators()).toHaveLength(1);
    expect((await del('0123456789abcdef', second.secret)).statusCode).toBe(404);
  });
});
