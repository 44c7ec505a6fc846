// PyVRP (from PyPI, in its own virtual environment under ~/.cache/urbanflow) as the reference for the VRPTW benchmark.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PYVRP_VERSION = '0.14.1';
const VENV = join(homedir(), '.cache', 'urbanflow', `pyvrp-${PYVRP_VERSION}`);
const PYTHON = join(VENV, 'bin', 'python');
const SCRIPT = new URL('../../bench/pyvrp-solve.py', import.meta.url).pathname;

export interface PyvrpRun {
  readonly distance: number;
  readonly feasible: boolean;
  readonly routes: number;
}

/** Makes the virtual environment on first use, as the Schemathesis test does. */
async function ensurePyvrp(): Promise<void> {
  if (
    existsSync(PYTHON) &&
    (await run(PYTHON, ['-c', 'import pyvrp']).then(
      () => true,
      () => false,
    ))
  )
    return;
  await run('python3', ['-m', 'venv', VENV], { timeout: 120_000 });
  await run(join(VENV, 'bin', 'pip'), ['install', '--quiet', `pyvrp==${PYVRP_VERSION}`], { timeout: 600_000 });
}

/** Solves one Solomon file with PyVRP at the given limit and seed (one process per file, so the run is alone). */
export async function pyvrpSolve(file: string, seconds: number, seed: number): Promise<PyvrpRun> {
  await ensurePyvrp();
  const { stdout } = await run(PYTHON, [SCRIPT, String(seconds), String(seed), file], {
    timeout: (seconds + 120) * 1000,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as PyvrpRun;
  return { distance: parsed.distance, feasible: parsed.feasible, routes: parsed.routes };
}
