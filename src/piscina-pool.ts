// The project's piscina pools: each runs a compiled worker entry, its threads started alike.
import { Piscina } from 'piscina';

type PoolOptions = Omit<NonNullable<ConstructorParameters<typeof Piscina>[0]>, 'filename' | 'execArgv'>;

/**
 * The `execArgv` of a piscina pool's threads. Piscina loads its task file with require() and falls back to import()
 * when that throws; from Node 20.19 require() loads an ES module instead of throwing, and on that path a thread once
 * took its whole process down in a full test run (V8 fatal error "v8::Module::IsGraphAsync must be used on an
 * instantiated module", in piscina's worker.js). With require(esm) off in the pool's threads, piscina takes its import()
 * path as it did before. Node versions without require(esm) have no such flag, so it is added only where the feature is.
 */
export function workerExecArgv(): string[] {
  const features = process.features as { readonly require_module?: boolean };
  return features.require_module === undefined
    ? [...process.execArgv]
    : [...process.execArgv, '--no-experimental-require-module'];
}

/** A piscina pool whose threads run `filename` (a `workerFile` path), started with `workerExecArgv()`. */
export function startPiscina<T, R>(filename: string, options: PoolOptions): Piscina<T, R> {
  return new Piscina<T, R>({ ...options, filename, execArgv: workerExecArgv() });
}
