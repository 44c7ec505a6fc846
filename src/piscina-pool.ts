// The project's piscina pools: each runs a compiled worker entry, its threads started alike.
import { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';

type PoolOptions = Omit<NonNullable<ConstructorParameters<typeof Piscina>[0]>, 'filename' | 'execArgv'>;

let inherited: string[] | undefined;

/**
 * The `execArgv` of a piscina pool's threads. Piscina loads its task file with require() and falls back to import()
 * when that throws; from Node 20.19 require() loads an ES module instead of throwing, and on that path a thread once
 * took its whole process down in a full test run (V8 fatal error "v8::Module::IsGraphAsync must be used on an
 * instantiated module", in piscina's worker.js). With require(esm) off in the pool's threads, piscina takes its import()
 * path as it did before. Node versions without require(esm) have no such flag, so it is added only where the feature is.
 * The rest are the process's own options that a thread takes (`threadExecArgv`).
 */
export function workerExecArgv(): string[] {
  const features = process.features as { readonly require_module?: boolean };
  inherited ??= threadExecArgv(process.execArgv);
  return features.require_module === undefined ? [...inherited] : [...inherited, '--no-experimental-require-module'];
}

/**
 * The options of `execArgv` (each with its values) that a worker thread accepts. A thread given no `execArgv` inherits
 * its parent's; given one, it refuses V8 options (`--expose-gc`, `--max-old-space-size=…`) and per-process ones
 * (`--title`) with ERR_WORKER_INVALID_EXEC_ARGV, which would stop every pool from starting (`npm run bench` runs with
 * `--expose-gc`). Those options are the whole process's and already in force in its threads, so leaving them out
 * changes nothing. Node says which options a thread takes only by refusing the others, so each is tried on a thread
 * that is ended at once (only when the process has options at all).
 */
export function threadExecArgv(execArgv: readonly string[]): string[] {
  const options: string[][] = [];
  for (const token of execArgv) {
    if (token.startsWith('-') || options.length === 0) options.push([token]);
    else options[options.length - 1].push(token);
  }
  return options.filter(acceptedByThread).flat();
}

function acceptedByThread(option: string[]): boolean {
  let probe: Worker;
  try {
    probe = new Worker('', { eval: true, execArgv: option, stdout: true, stderr: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_INVALID_EXEC_ARGV') return false;
    throw err;
  }
  // the probe only shows that Node takes the option; a thread that then fails with it (a bad --import) fails the same
  // way in the pool, which reports it there
  probe.once('error', () => undefined);
  void probe.terminate();
  return true;
}

/** A piscina pool whose threads run `filename` (a `workerFile` path), started with `workerExecArgv()`. */
export function startPiscina<T, R>(filename: string, options: PoolOptions): Piscina<T, R> {
  return new Piscina<T, R>({ ...options, filename, execArgv: workerExecArgv() });
}
