// Benchmark `routing`: gap to the best known solution over CVRPLIB instances (up to 300 customers, and the X set from
// 300 to 1,001), the Solomon VRPTW gap to PyVRP run alongside, and the time of a generated 1,000-bin city day.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inputError } from '../src/errors.js';
import {
  checkCollectionPlan,
  checkSolution,
  generateCollectionDay,
  parseSolomon,
  parseSolution,
  parseVrplib,
  planCollection,
  solveCvrp,
} from '../solvers/routing/index.js';
import { pyvrpSolve } from './pyvrp.js';
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

const PARTS = ['cvrplib', 'x1000', 'solomon', 'city'] as const;
type Part = (typeof PARTS)[number];

function seconds(args: string[], name: string, fallback: number): number {
  const v = Number(flag(args, name) ?? fallback);
  if (!Number.isFinite(v) || v <= 0)
    throw inputError(`${name} must be a positive number of seconds`, { field: name.slice(2) });
  return v;
}

/**
 * Flags: --parts cvrplib,x1000,solomon,city (default all); --time-limit S and --only RE for the CVRPLIB part;
 * --x1000-time-limit S (60), --x1000-count N (19: every third X instance from 300 customers in size order);
 * --solomon-time-limit S (10), --solomon-subset every-other|all, --solomon-only RE; --city-time-limit S; --seed N.
 */
export const routingBench: Bench = async (args) => {
  const dir = resolve(flag(args, '--data') ?? '../shared/data/cvrplib');
  const seed = Number(flag(args, '--seed') ?? '1');
  const partsFlag = flag(args, '--parts');
  const parts = new Set<Part>(partsFlag ? (partsFlag.split(',') as Part[]) : PARTS);
  for (const p of parts)
    if (!PARTS.includes(p))
      throw inputError(`--parts: unknown part "${p}" (use ${PARTS.join(', ')})`, { field: 'parts' });
  const out: Record<string, unknown> = {};
  if (parts.has('cvrplib')) Object.assign(out, await cvrplibPart(dir, args, seed));
  if (parts.has('x1000')) Object.assign(out, await x1000Part(dir, args, seed));
  if (parts.has('solomon')) Object.assign(out, await solomonPart(args, seed));
  if (parts.has('city')) Object.assign(out, await cityDay(seconds(args, '--city-time-limit', 10), seed));
  // What `urbanflow --help` (and so every command) waits before doing anything: median of 5 fresh processes.
  out.helpMs = cliMs(['--help'], 5);
  return out;
};

function requireDir(dir: string, flagName: string): void {
  if (!existsSync(dir))
    throw inputError(`benchmark data directory ${dir} does not exist (pass ${flagName} DIR)`, {
      field: flagName.slice(2),
    });
}

/** Solves one CVRPLIB instance and returns its checked gap to the best known solution. */
async function cvrplibGap(
  dir: string,
  name: string,
  limitSeconds: number,
  seed: number,
): Promise<{ gap: number; feasible: boolean }> {
  const { instance } = parseVrplib(readFileSync(join(dir, `${name}.vrp`), 'utf8'), { fallbackName: name });
  const bks = parseSolution(readFileSync(join(dir, `${name}.sol`), 'utf8')).cost;
  const result = await solveCvrp(instance, { timeLimitMs: limitSeconds * 1000, seed, now: () => performance.now() });
  const report = checkSolution(instance, result.routes);
  const gap = (report.cost - bks) / bks;
  process.stderr.write(
    `${name}: cost ${report.cost.toFixed(2)} best ${bks} gap ${(gap * 100).toFixed(2)}% ${report.feasible ? '' : 'INFEASIBLE'} (${result.stats.iterations} iterations)\n`,
  );
  return { gap, feasible: report.feasible };
}

async function cvrplibPart(dir: string, args: string[], seed: number): Promise<Record<string, unknown>> {
  requireDir(dir, '--data');
  const limit = seconds(args, '--time-limit', 10);
  const only = flag(args, '--only');
  const includeLarge = args.includes('--all');
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
    const { gap, feasible } = await cvrplibGap(dir, name, limit, seed);
    if (!feasible) infeasible.push(name);
    gaps[name] = Math.round(gap * 1e5) / 1e5;
    const xMatch = X_SET.exec(name);
    if (CLASSIC.test(name)) classic.push(gap);
    else if (xMatch && Number(xMatch[1]) <= 301) x300.push(gap);
    else others.push(gap);
  }
  return {
    timeLimitSeconds: limit,
    instances: names.length,
    classicAvgGap: mean(classic),
    x300AvgGap: mean(x300),
    otherAvgGap: mean(others),
    infeasible,
    gaps,
  };
}

/** Every third X instance of 300 to 1,001 customers in size order (19 of them), at 60 s each unless told otherwise. */
async function x1000Part(dir: string, args: string[], seed: number): Promise<Record<string, unknown>> {
  requireDir(dir, '--data');
  const limit = seconds(args, '--x1000-time-limit', 60);
  const count = Number(flag(args, '--x1000-count') ?? Infinity);
  const names = readdirSync(dir)
    .filter(
      (f) =>
        X_SET.test(f) &&
        f.endsWith('.vrp') &&
        Number(X_SET.exec(f)![1]) >= 300 &&
        existsSync(join(dir, f.replace(/\.vrp$/, '.sol'))),
    )
    .map((f) => f.replace(/\.vrp$/, ''))
    .sort((a, b) => Number(X_SET.exec(a)![1]) - Number(X_SET.exec(b)![1]))
    .filter((_, i) => i % 3 === 0)
    .slice(0, count);
  const gaps: Record<string, number> = {};
  const infeasible: string[] = [];
  for (const name of names) {
    const { gap, feasible } = await cvrplibGap(dir, name, limit, seed);
    if (!feasible) infeasible.push(name);
    gaps[name] = Math.round(gap * 1e5) / 1e5;
  }
  const values = Object.values(gaps);
  return {
    x1000TimeLimitSeconds: limit,
    x1000Instances: names.length,
    x1000AvgGap: mean(values),
    x1000MaxGap: values.length > 0 ? Math.max(...values) : null,
    x1000Infeasible: infeasible,
    x1000Gaps: gaps,
  };
}

/**
 * Solomon VRPTW: our distance against PyVRP's at the same limit and seed, one instance at a time (never both at once).
 * The default subset is every other instance in name order (28 of the 56); `--solomon-subset all` takes them all.
 */
async function solomonPart(args: string[], seed: number): Promise<Record<string, unknown>> {
  const dir = resolve(flag(args, '--solomon-data') ?? '../shared/data/vrptw');
  requireDir(dir, '--solomon-data');
  const limit = seconds(args, '--solomon-time-limit', 10);
  const subset = flag(args, '--solomon-subset') ?? 'every-other';
  if (subset !== 'every-other' && subset !== 'all')
    throw inputError('--solomon-subset must be every-other or all', { field: 'solomon-subset' });
  const only = flag(args, '--solomon-only');
  const names = readdirSync(dir)
    .filter((f) => /^(C|R|RC)\d+\.txt$/i.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .filter((_, i) => subset === 'all' || i % 2 === 0)
    .filter((f) => (only ? new RegExp(only).test(f) : true));
  const gaps: Record<string, number> = {};
  const infeasible: string[] = [];
  const pyvrpInfeasible: string[] = [];
  let pyvrpError: string | null = null;
  for (const file of names) {
    const path = join(dir, file);
    const instance = parseSolomon(readFileSync(path, 'utf8'), file);
    const result = await solveCvrp(instance, { timeLimitMs: limit * 1000, seed, now: () => performance.now() });
    const report = checkSolution(instance, result.routes);
    if (!report.feasible) infeasible.push(file);
    let reference;
    try {
      reference = await pyvrpSolve(path, limit, seed);
    } catch (err) {
      // No Python, no network for pip, or PyVRP failing: the figure is left out and the reason reported.
      pyvrpError = (err as Error).message.split('\n')[0];
      process.stderr.write(`${file}: PyVRP unavailable: ${pyvrpError}\n`);
      break;
    }
    if (!reference.feasible) pyvrpInfeasible.push(file);
    const gap = (report.cost - reference.distance) / reference.distance;
    if (report.feasible && reference.feasible) gaps[file] = Math.round(gap * 1e5) / 1e5;
    process.stderr.write(
      `${file}: urbanflow ${report.cost} (${result.routes.length} routes${report.feasible ? '' : ', INFEASIBLE'}) PyVRP ${reference.distance} (${reference.routes} routes) gap ${(gap * 100).toFixed(2)}%\n`,
    );
  }
  return {
    solomonTimeLimitSeconds: limit,
    solomonSubset: subset,
    solomonInstances: names.length,
    solomonGapToPyvrp: pyvrpError ? null : mean(Object.values(gaps)),
    solomonInfeasible: infeasible,
    pyvrpInfeasible,
    ...(pyvrpError ? { pyvrpError } : {}),
    solomonGaps: gaps,
  };
}

/** Plans a generated 1,000-bin day for one depot with ten trucks, timed end to end and checked independently. */
async function cityDay(seconds: number, seed: number): Promise<Record<string, number>> {
  const req = generateCollectionDay({ bins: 1000, trucks: 10, seed });
  const start = performance.now();
  const plan = await planCollection(req, { timeLimitMs: seconds * 1000, seed, now: () => performance.now() });
  const ms = performance.now() - start;
  const violations = checkCollectionPlan(req, plan).length;
  process.stderr.write(
    `city day: ${plan.mustCollect.length} must-collect bins, ${plan.trucks.length} trucks, ${plan.distanceKm.toFixed(1)} km, ${violations} violations, ${Math.round(ms)} ms\n`,
  );
  return {
    city1000Ms: Math.round(ms),
    cityTimeLimitSeconds: seconds,
    cityDistanceKm: Math.round(plan.distanceKm * 10) / 10,
    cityMustUnassigned: plan.unassigned.filter((u) => u.mustCollect).length,
    cityViolations: violations,
  };
}
