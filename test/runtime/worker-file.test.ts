import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UrbanflowError } from '../../src/errors.js';
import { Worker } from 'node:worker_threads';
import { workerFile } from '../../src/worker-file.js';
import { threadExecArgv, workerExecArgv } from '../../src/piscina-pool.js';
import { spawnSync } from 'node:child_process';

const root = mkdtempSync(join(tmpdir(), 'uf-worker-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A package with a source module src/pool.ts starting ./worker.js, its source src/worker.ts and (optionally) its build. */
function tree(
  name: string,
  build: boolean,
): { sourceCaller: string; builtCaller: string; source: string; built: string } {
  const dir = join(root, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'dist', 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{}');
  writeFileSync(join(dir, 'src', 'pool.ts'), '');
  writeFileSync(join(dir, 'src', 'worker.ts'), '');
  writeFileSync(join(dir, 'dist', 'src', 'pool.js'), '');
  if (build) writeFileSync(join(dir, 'dist', 'src', 'worker.js'), '');
  return {
    sourceCaller: pathToFileURL(join(dir, 'src', 'pool.ts')).href,
    builtCaller: pathToFileURL(join(dir, 'dist', 'src', 'pool.js')).href,
    source: join(dir, 'src', 'worker.ts'),
    built: join(dir, 'dist', 'src', 'worker.js'),
  };
}

function failure(f: () => unknown): UrbanflowError {
  try {
    f();
  } catch (err) {
    return err as UrbanflowError;
  }
  throw new Error('expected an error');
}

describe('worker file', () => {
  it('resolves the built entry under dist/ from a source module and from a built one', () => {
    const t = tree('fresh', true);
    const old = new Date(Date.now() - 60_000);
    utimesSync(t.source, old, old);
    expect(workerFile(t.sourceCaller, './worker.js')).toBe(t.built);
    expect(workerFile(t.builtCaller, './worker.js')).toBe(t.built);
  });

  it('refuses a missing build with the command to run', () => {
    const t = tree('missing', false);
    const err = failure(() => workerFile(t.sourceCaller, './worker.js'));
    expect(err).toBeInstanceOf(UrbanflowError);
    expect(err.code).toBe('UF_ERR_CONFIG');
    expect(err.message).toContain('npm run build');
    expect(err.message).toContain(t.built);
  });

  it('refuses a build older than its source, from a source module and from a built one', () => {
    const t = tree('stale', true);
    const old = new Date(Date.now() - 60_000);
    utimesSync(t.built, old, old);
    for (const caller of [t.sourceCaller, t.builtCaller]) {
      const err = failure(() => workerFile(caller, './worker.js'));
      expect(err.code).toBe('UF_ERR_CONFIG');
      expect(err.message).toMatch(/older than its source .*npm run build/);
    }
  });

  it('accepts a build whose source is not at hand (an installed package)', () => {
    const t = tree('no-source', true);
    rmSync(t.source);
    expect(workerFile(t.builtCaller, './worker.js')).toBe(t.built);
  });
});

describe('worker threads of a pool', () => {
  it('load ES modules by import() only: require() of one throws, so piscina takes its import() path', async () => {
    const esm = join(root, 'task.mjs');
    writeFileSync(esm, 'export default () => 1;\n');
    const answer = await new Promise<string>((resolve, reject) => {
      const w = new Worker(
        `const { parentPort } = require('node:worker_threads');
        try { require(${JSON.stringify(esm)}); parentPort.postMessage('loaded'); }
        catch (e) { parentPort.postMessage(e.code); }`,
        { eval: true, execArgv: workerExecArgv() },
      );
      w.once('message', (m: string) => void w.terminate().then(() => resolve(m)));
      w.once('error', reject);
    });
    // on Node without require(esm) it throws the same way by itself
    expect(answer).toBe('ERR_REQUIRE_ESM');
  });
});

describe('the options a pool passes its threads', () => {
  it("keep the process's thread options with their values and leave out V8 and per-process ones", () => {
    const argv = [
      '--expose-gc',
      '--enable-source-maps',
      '--max-old-space-size=4000',
      '--conditions',
      'x',
      '--title',
      't',
    ];
    expect(threadExecArgv(argv)).toEqual(['--enable-source-maps', '--conditions', 'x']);
    expect(threadExecArgv([])).toEqual([]);
  });

  it('start a pool and run its task in a process started with --expose-gc, as `npm run bench` is', () => {
    const task = join(root, 'double.mjs');
    writeFileSync(task, 'export default (n) => 2 * n;\n');
    // the compiled build, as the service runs it (npm test builds first)
    const script = `
      import { startPiscina } from './dist/src/piscina-pool.js';
      const pool = startPiscina(process.argv[1], { maxThreads: 1 });
      process.stdout.write(String(await pool.run(21)));
      await pool.destroy();`;
    const out = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=4000', '--input-type=module', '-e', script, task],
      { encoding: 'utf8' },
    );
    expect({ status: out.status, stdout: out.stdout }, out.stderr).toEqual({ status: 0, stdout: '42' });
  });
});
