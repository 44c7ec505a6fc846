// The compiled file a worker thread runs, found from the module that starts it, and refused when it is missing or stale.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configError } from './errors.js';

const BUILD_COMMAND = 'npm run build';

function packageRoot(start: string): string {
  for (let dir = start; ;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

/** The built entry and, where the source tree is at hand, its TypeScript source. */
export function workerPaths(callerUrl: string, entry: string): { built: string; source: string } {
  const caller = fileURLToPath(callerUrl);
  const sourceName = entry.replace(/\.js$/, '.ts');
  if (caller.endsWith('.ts')) {
    // Under the test runner (or tsx) the caller is TypeScript source: threads still run the compiled build under dist/.
    const root = packageRoot(dirname(caller));
    return {
      built: join(root, 'dist', relative(root, dirname(caller)), entry),
      source: join(dirname(caller), sourceName),
    };
  }
  const built = join(dirname(caller), entry);
  const at = built.lastIndexOf(`${sep}dist${sep}`);
  const source = at < 0 ? '' : join(built.slice(0, at), relative(built.slice(0, at + 5), dirname(built)), sourceName);
  return { built, source };
}

/**
 * The path of the compiled worker entry `entry` (relative to the caller, `./worker.js`). Throws UF_ERR_CONFIG with the
 * command to run when the build is missing, or older than the source it was compiled from: a thread that ran a stale
 * or absent build would fail late, or silently run old code.
 */
export function workerFile(callerUrl: string, entry: string): string {
  const { built, source } = workerPaths(callerUrl, entry);
  if (!existsSync(built)) {
    throw configError(
      `the worker thread file ${built} does not exist: run \`${BUILD_COMMAND}\` first (worker threads run the compiled build)`,
      { file: built },
    );
  }
  if (source && existsSync(source) && statSync(source).mtimeMs > statSync(built).mtimeMs) {
    throw configError(
      `the worker thread file ${built} is older than its source ${source}: run \`${BUILD_COMMAND}\` again`,
      { file: built, source },
    );
  }
  return built;
}
