import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkSolution, parseSolomon, parseVrplib } from '../../../solvers/routing/index.js';
import { registerRouteCommand } from '../../../src/cli/commands/route.js';

const FIXTURE = new URL('../../fixtures/routing/tiny-n8.vrp', import.meta.url).pathname;
const SOLOMON = new URL('../../fixtures/routing/tw-n25.txt', import.meta.url).pathname;

async function run(args: string[]): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  const program = new Command().exitOverride();
  registerRouteCommand(program);
  try {
    await program.parseAsync(['node', 'urbanflow', 'route', ...args]);
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

describe('urbanflow route', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints cost and routes with customers numbered as in CVRPLIB .sol files', async () => {
    const out = JSON.parse(await run([FIXTURE, '--time-limit', '0.2', '--seed', '3', '--json'])) as {
      cost: number;
      routes: number[][];
    };
    const { instance } = parseVrplib(readFileSync(FIXTURE, 'utf8'));
    const report = checkSolution(instance, out.routes);
    expect(report.violations).toEqual([]);
    expect(out.cost).toBe(report.cost);
    expect(out.routes.flat().sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('tells a Solomon VRPTW file by its sections and keeps its windows', async () => {
    const out = JSON.parse(await run([SOLOMON, '--time-limit', '0.5', '--json'])) as {
      cost: number;
      feasible: boolean;
      routes: number[][];
    };
    const report = checkSolution(parseSolomon(readFileSync(SOLOMON, 'utf8')), out.routes);
    expect(report.violations).toEqual([]);
    expect(out.feasible).toBe(true);
    expect(out.cost).toBe(report.cost);
  });

  it('rejects a bad time limit', async () => {
    await expect(run([FIXTURE, '--time-limit', 'soon'])).rejects.toThrow(/--time-limit must be a positive number/);
  });
});
