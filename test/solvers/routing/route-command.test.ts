import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('prints a mixed fleet as PyVRP numbers it: route k is vehicle k, so each route keeps its vehicle type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-route-'));
    const file = join(dir, 'fleet.vrp');
    const fleet = ['VEHICLES : 4', 'CAPACITY_SECTION', '1 10', '2 10', '3 40', '4 40'];
    fleet.push('VEHICLES_FIXED_COST_SECTION', '1 5', '2 5', '3 50', '4 50');
    writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace(/^CAPACITY\s*:.*$/m, fleet.join('\n')));
    try {
      const { instance } = parseVrplib(readFileSync(file, 'utf8'));
      const sol = await run([file, '--time-limit', '0.3', '--seed', '2']);
      const lines = sol.trim().split('\n');
      const cost = Number(lines.pop()!.replace('Cost ', ''));
      const routes: number[][] = [];
      const types: number[] = [];
      lines.forEach((line, vehicle) => {
        const m = /^Route #(\d+):(.*)$/.exec(line)!;
        expect(Number(m[1])).toBe(vehicle + 1);
        const ids = m[2].trim().split(/\s+/).filter(Boolean).map(Number);
        if (ids.length === 0) return;
        routes.push(ids);
        types.push(instance.vehicleTypes.findIndex((t) => t.name.split(',').map(Number).includes(vehicle)));
      });
      const report = checkSolution(instance, routes, types);
      expect(report.violations).toEqual([]);
      expect(cost).toBeCloseTo(report.cost, 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad time limit', async () => {
    await expect(run([FIXTURE, '--time-limit', 'soon'])).rejects.toThrow(/--time-limit must be a positive number/);
  });
});
