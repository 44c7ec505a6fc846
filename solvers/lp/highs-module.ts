// The one ESM shim for `highs`: its typings describe a CommonJS module whose loader sits one `.default` deeper than
// the ESM build Node loads; every HiGHS user in the tree gets the loader from here.
import * as highsModule from 'highs';
import type { Highs } from 'highs';

const namespaceDefault = (highsModule as unknown as { default: unknown }).default;
const loader = (
  typeof namespaceDefault === 'function' ? namespaceDefault : (namespaceDefault as { default: unknown }).default
) as () => Promise<Highs>;

export type { Highs };

let threadRuntime: Promise<Highs> | undefined;

/**
 * This thread's HiGHS runtime, instantiated on first use like a module import: an immutable code image with a heap
 * that holds nothing between solves, so it needs no owner (about 100 ms to instantiate). Thread pools are never created here (see highs.ts).
 */
export function highsOnThisThread(): Promise<Highs> {
  threadRuntime ??= loader();
  return threadRuntime;
}
