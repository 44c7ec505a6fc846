// `urbanflow signal-plan FILE.json` checks the file with the same schema as POST /v1/signals/plans: a misspelt field is
// refused with its path and the closest known name, and the shipped example plans.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../bin/urbanflow.js', import.meta.url).pathname;
const EXAMPLE = new URL('../../examples/signal-plan-corridor.json', import.meta.url).pathname;

function signalPlan(file: string) {
  return spawnSync(process.execPath, [CLI, 'signal-plan', file, '--json'], { encoding: 'utf8', timeout: 120_000 });
}

describe('urbanflow signal-plan', () => {
  it('plans the shipped example', () => {
    const r = signalPlan(EXAMPLE);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { plans: unknown[]; corridors: unknown[] };
    const req = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { intersections: unknown[]; corridors: unknown[] };
    expect(out.plans).toHaveLength(req.intersections.length);
    expect(out.corridors).toHaveLength(req.corridors.length);
  });

  it('refuses a misspelt field with its path and the closest name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-signal-plan-'));
    try {
      const req = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as {
        intersections: { approaches: Record<string, unknown>[] }[];
      };
      req.intersections[1].approaches[0].speedKph = 50;
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify(req));
      const r = signalPlan(file);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/intersections\[1\]\.approaches\[0\]\.speedKph: .*speedKmh/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
