// Schemathesis (property-based API testing from the OpenAPI document) against a live `urbanflow run`: every check,
// stateful links included, must find nothing. It makes its own Python virtual environment on first use.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCHEMATHESIS_VERSION = '4.32.5';
const VENV = join(homedir(), '.cache', 'urbanflow', `schemathesis-${SCHEMATHESIS_VERSION}`);
const BIN = join(VENV, 'bin', 'schemathesis');
const CLI = new URL('../../bin/urbanflow.js', import.meta.url).pathname;
const CONFIG = new URL('./schemathesis/schemathesis.toml', import.meta.url).pathname;
const HOOKS = new URL('./schemathesis/hooks.py', import.meta.url).pathname;
/** Examples per operation and phase: the floor. */
const EXAMPLES = 50;

async function ensureSchemathesis(): Promise<void> {
  if (existsSync(BIN)) return;
  await run('python3', ['-m', 'venv', VENV], { timeout: 120_000 });
  await run(join(VENV, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`], {
    timeout: 300_000,
  });
}

let server: ChildProcess | undefined;
let stateDir = '';
let base = '';
let key = '';

beforeAll(async () => {
  await ensureSchemathesis();
  stateDir = mkdtempSync(join(tmpdir(), 'uf-schemathesis-'));
  server = spawn(
    process.execPath,
    [CLI, 'run', '--source', 'http', '--port', '0', '--workers', '1', '--state-dir', stateDir, '--log-level', 'silent'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  while (!/API on (http:\/\/\S+)/.test(stderr) || !/Bearer (ufk_\S+)"/.test(stderr)) {
    if (server.exitCode !== null) throw new Error(`urbanflow run exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  base = /API on (http:\/\/\S+)/.exec(stderr)![1];
  key = /Bearer (ufk_\S+)"/.exec(stderr)![1];
}, 420_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('Schemathesis against urbanflow run', () => {
  it('finds no failure with every check, stateful links included', async () => {
    const args = [
      '--config-file',
      CONFIG,
      '--no-color',
      'run',
      `${base}/openapi.json`,
      '--checks',
      'all',
      '--phases',
      'examples,coverage,fuzzing,stateful',
      '--max-examples',
      String(EXAMPLES),
      '--seed',
      '7',
      // One thread: Hypothesis parses lambda sources with `ast` while generating, and before CPython 3.11.8 / 3.12.2
      // the AST constructor's recursion depth was one counter for all threads (CPython gh-106905), so two workers
      // stopped the run now and then with "SystemError: AST constructor recursion depth mismatch".
      '--workers',
      '1',
      '--request-timeout',
      '70',
      '--header',
      `Authorization: Bearer ${key}`,
      '--generation-database',
      'none',
      // A city intersection is a large schema; generating it may be slow on a busy machine, which is no API fault.
      '--suppress-health-check',
      'too_slow',
      '--output-truncate',
      'false',
    ];
    let out = '';
    let code = 0;
    try {
      const env = { ...process.env, SCHEMATHESIS_HOOKS: HOOKS, UF_SCHEMATHESIS_KEY_ID: key.split('_')[1] };
      // Run in the state directory: Schemathesis keeps its crash cache in the working directory.
      out = (await run(BIN, args, { timeout: 900_000, maxBuffer: 64 << 20, env, cwd: stateDir })).stdout;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; code?: number | string; killed?: boolean };
      out = `${e.stdout ?? ''}\n${e.stderr ?? ''}${e.killed ? '\n(schemathesis ran out of time and was stopped)' : ''}`;
      code = typeof e.code === 'number' ? e.code : 1;
    }
    // On failure: the failures section first (each failure with its status and the request that reproduces it),
    // then the summary at the end.
    const failures = out.indexOf('= FAILURES =');
    const report =
      failures >= 0 ? `${out.slice(failures, failures + 30_000)}\n...\n${out.slice(-6_000)}` : out.slice(-20_000);
    expect(code, report).toBe(0);
  }, 960_000);
});
