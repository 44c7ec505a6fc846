// Files named on the command line are read with a size limit: a device or a huge file is refused at once, by name.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTextFile } from '../../src/io/read-text-file.js';

const CLI = new URL('../../bin/urbanflow.js', import.meta.url).pathname;

describe('readTextFile', () => {
  it('reads a file within the limit and refuses one above it, a device and a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-read-'));
    try {
      const file = join(dir, 'a.json');
      writeFileSync(file, '{"ok": "é"}');
      expect(readTextFile(file, 100)).toBe('{"ok": "é"}');
      expect(() => readTextFile(file, 5)).toThrow(/larger than the limit of 5 bytes/);
      expect(() => readTextFile('/dev/zero', 1 << 20)).toThrow(/larger than the limit of 1048576 bytes/);
      expect(() => readTextFile(dir)).toThrow(/directory/);
      expect(() => readTextFile(join(dir, 'missing.json'))).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('urbanflow city validate', () => {
  it('refuses /dev/zero with the size limit instead of reading it all', () => {
    const r = spawnSync(process.execPath, [CLI, 'city', 'validate', '/dev/zero'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /UF_ERR_INPUT: cannot read city file \/dev\/zero: it is larger than the limit of \d+ bytes \(64 MiB\)/,
    );
  });
});
