// Benchmark `cli`: how long the urbanflow command takes to start, as a user typing it waits (a fresh process each time).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Bench } from './index.js';

const CLI = fileURLToPath(new URL('../../bin/urbanflow.js', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median wall time of `node bin/urbanflow.js ...args` over `runs` fresh processes, in ms. */
export function cliMs(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`urbanflow ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  }
  return Math.round(median(times));
}

/** `urbanflow --help` (target: at most 300 ms) and one command's help, which loads no more than the program. */
export const cliBench: Bench = async (args) => {
  const i = args.indexOf('--runs');
  const runs = i >= 0 ? Number(args[i + 1]) : 7;
  return { helpMs: cliMs(['--help'], runs), routeHelpMs: cliMs(['route', '--help'], runs), runs };
};
