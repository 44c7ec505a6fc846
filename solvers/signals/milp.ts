// The MILP solver behind corridor coordination: HiGHS compiled to WebAssembly, loaded once per process.
import highsModule, { type Highs, type InitOptions } from 'highs';

// The typings describe a CommonJS module while Node loads the ESM build, whose default export is the loader.
const highsLoader = highsModule as unknown as (options?: InitOptions) => Promise<Highs>;
export type MilpSolution = ReturnType<Highs['solve']>;

let loading: Promise<Highs> | undefined;

/** Solves a CPLEX LP-format model; the WebAssembly runtime is instantiated on first use and reused after. */
export async function solveMilp(lpText: string, timeLimitS: number): Promise<MilpSolution> {
  loading ??= highsLoader();
  const highs = await loading;
  return highs.solve(lpText, { output_flag: false, time_limit: timeLimitS });
}
