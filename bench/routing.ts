// Benchmark `routing`: gap to the best known solution over CVRPLIB instances, and the time of a generated 1,000-bin city day.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inputError } from '../src/errors.js';
import { checkCollectionPlan, checkSolution, generateCollectionDay, parseSolution, parseVrplib, planCollection, solveCvrp } from '../solvers/routing/index.js';
import { cliMs } from './cli.js';
import type { Bench } from './index.js';

const CLASSIC = /^[ABEFMP]-n\d+/;
const X_SET = /^X-n(\d+)-/;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export const routingBench: Bench = async (args) => {
  const dir = resolve(flag(args, '--data') ?? '../shared/data/cvrplib');
  const seconds = Number(flag(args, '--time-limit') ?? '10');
  const seed = Number(flag(args, '--seed') ?? '1');
  const only = flag(args, '--only');
  const includeLarge = args.includes('--all');
  const citySeconds = Number(flag(args, '--city-time-limit') ?? '10');
  if (!existsSync(dir)) throw inputError(`benchmark data directory ${dir} does not exist (pass --data DIR)`, { field: 'data' });
  if (!Number.isFinite(seconds) || seconds <= 0) throw inputError('--time-limit must be a positive number of seconds', { field: 'time-limit' });

  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.vrp') && existsSync(join(dir, f.replace(/\.vrp$/, '.sol'))))
    .map((f) => f.replace(/\.vrp$/, ''))
    .filter((name) => (only ? new RegExp(only).test(name) : true))
    .filter((name) => includeLarge || !X_SET.test(name) || Number(X_SET.exec(name)![1]) <= 301)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

  const gaps: Record<string, number> = {};
  const infeasible: string[] = [];
  const classic: number[] = [];
  const x300: number[] = [];
  const others: number[] = [];
  for (const name of names) {
    const { instance } = parseVrplib(readFileSync(join(dir, `${name}.vrp`), 'utf8'), { fallbackName: name });
    const bks = parseSolution(readFileSync(join(dir, `${name}.sol`), 'utf8')).cost;
    const result = await solveCvrp(instance, { timeLimitMs: seconds * 1000, seed, now: () => performance.now() });
    const report = checkSolution(instance, result.routes);
    if (!report.feasible) infeasible.push(name);
    const gap = (report.cost - bks) / bks;
    gaps[name] = Math.round(gap * 1e5) / 1e5;
    const xMatch = X_SET.exec(name);
    if (CLASSIC.test(name)) classic.push(gap);
    else if (xMatch && Number(xMatch[1]) <= 301) x300.push(gap);
    else others.push(gap);
    process.stderr.write(`${name}: cost ${report.cost.toFixed(2)} best ${bks} gap ${(gap * 100).toFixed(2)}% ${report.feasible ? '' : 'INFEASIBLE'} (${result.stats.iterations} iterations)\n`);
  }
  const city = await cityDay(citySeconds, seed);
  return {
    timeLimitSeconds: seconds,
    instances: names.length,
    classicAvgGap: mean(classic),
    x300AvgGap: mean(x300),
    otherAvgGap: mean(others),
    infeasible,
    ...city,
    // What `urbanflow --help` (and so every command) waits before doing anything: median of 5 fresh processes.
    helpMs: cliMs(['--help'], 5),
    gaps,
  };
};

/** Plans a generated 1,000-bin day for one depot with ten trucks, timed end to end and checked independently. */
async function cityDay(seconds: number, seed: number): Promise<Record<string, number>> {
  const req = generateCollectionDay({ bins: 1000, trucks: 10, seed });
  const start = performance.now();
  const plan = await planCollection(req, { timeLimitMs: seconds * 1000, seed, now: () => performance.now() });
  const ms = performance.now() - start;
  const violations = checkCollectionPlan(req, plan).length;
  process.stderr.write(`city day: ${plan.mustCollect.length} must-collect bins, ${plan.trucks.length} trucks, ${plan.distanceKm.toFixed(1)} km, ${violations} violations, ${Math.round(ms)} ms\n`);
  return {
    city1000Ms: Math.round(ms),
    cityTimeLimitSeconds: seconds,
    cityDistanceKm: Math.round(plan.distanceKm * 10) / 10,
    cityMustUnassigned: plan.unassigned.filter((u) => u.mustCollect).length,
    cityViolations: violations,
  };
}
