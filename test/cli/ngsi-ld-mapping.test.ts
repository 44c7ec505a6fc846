// `urbanflow run --ngsi-ld-mapping FILE`: a mapping file that breaks the schema stops the start naming the field; a
// valid one is what POST /v1/ngsi-ld/notify maps by.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../../bin/urbanflow.js', import.meta.url).pathname;
const fixtureFile = (name: string) => new URL(`../fixtures/ngsi-ld/${name}`, import.meta.url).pathname;

describe('urbanflow run --ngsi-ld-mapping', () => {
  it('refuses a mapping with an unknown field before starting, naming its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-ngsi-'));
    try {
      const r = spawnSync(
        process.execPath,
        [
          CLI,
          'run',
          '--source',
          'http',
          '--port',
          '0',
          '--state-dir',
          dir,
          '--ngsi-ld-mapping',
          fixtureFile('mapping-unknown-field.json'),
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('UF_ERR_CONFIG: NGSI-LD mapping');
      expect(r.stderr).toContain(
        'entities[0].attributes.fillingLevel.scael: is not a known field; did you mean scale?',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it('maps notifications by the file it names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-ngsi-'));
    const server = spawn(
      process.execPath,
      [
        CLI,
        'run',
        '--source',
        'http',
        '--port',
        '0',
        '--workers',
        '0',
        '--state-dir',
        dir,
        '--log-level',
        'silent',
        '--ngsi-ld-mapping',
        fixtureFile('mapping-santander.json'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      let stderr = '';
      server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      while (!/API on (http:\/\/\S+)/.test(stderr) || !/Bearer (ufk_\S+)"/.test(stderr)) {
        if (server.exitCode !== null) throw new Error(`urbanflow run exited: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const base = /API on (http:\/\/\S+)/.exec(stderr)![1];
      const key = /Bearer (ufk_\S+)"/.exec(stderr)![1];
      const observedAt = new Date(Date.now() - 60_000).toISOString();
      const entity = (id: string) => ({
        id,
        type: 'WasteContainer',
        fillingLevel: { type: 'Property', value: 40, observedAt },
      });
      const res = await fetch(`${base}/v1/ngsi-ld/notify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/ld+json' },
        body: JSON.stringify({
          id: 'urn:ngsi-ld:Notification:1',
          type: 'Notification',
          subscriptionId: 'urn:ngsi-ld:Subscription:1',
          notifiedAt: new Date().toISOString(),
          // The sample city's bins; the file's template wants the santander: prefix, and percent.
          data: [
            entity('urn:ngsi-ld:WasteContainer:santander:bin-0001'),
            entity('urn:ngsi-ld:WasteContainer:bin-0002'),
          ],
        }),
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({
        readings: 2,
        accepted: 1,
        deadLettered: 1,
        deadLettersByReason: { 'unknown-sensor': 1 },
      });
    } finally {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
