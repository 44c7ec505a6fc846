// `urbanflow route FILE`: solves a VRPLIB/CVRPLIB or Solomon VRPTW instance and prints the routes in the file's numbering.
// Not the city's waste-collection routes (the plan kind `route`, solved by solvers/routing/collection for the service):
// the help says so, since both are called "route".
import { basename } from 'node:path';
import { inputError, UrbanflowError } from '../../errors.js';
import { readTextFile } from '../../io/read-text-file.js';
import type { RegisterCommand } from './index.js';

/**
 * CVRPLIB .sol route lines. With a mixed fleet read from VRPLIB, whose type names list their vehicles' indices
 * (PyVRP's convention), route k is driven by vehicle k - 1, so every vehicle up to the last used gets a line (empty
 * when unused) and PyVRP's read_solution gives each route back its type.
 */
function solutionLines(
  instance: { mixedFleet: boolean; vehicleTypes: readonly { name: string }[] },
  routes: readonly number[][],
  types: readonly number[],
): string[] {
  const vehiclesOf = instance.vehicleTypes.map((t) =>
    /^\d+(,\d+)*$/.test(t.name) ? t.name.split(',').map(Number) : null,
  );
  if (!instance.mixedFleet || vehiclesOf.some((v) => v === null))
    return routes.map((r, i) => `Route #${i + 1}: ${r.join(' ')}`);
  const byVehicle = new Map<number, number[]>();
  for (let i = 0; i < routes.length; i++) {
    const vehicle = vehiclesOf[types[i]]!.shift();
    // A type driving more routes than it has vehicles (reported on stderr) leaves the plain numbering.
    if (vehicle === undefined) return routes.map((r, j) => `Route #${j + 1}: ${r.join(' ')}`);
    byVehicle.set(vehicle, routes[i]);
  }
  if (routes.length === 0) return [];
  const last = Math.max(...byVehicle.keys());
  const lines: string[] = [];
  for (let v = 0; v <= last; v++) lines.push(`Route #${v + 1}: ${(byVehicle.get(v) ?? []).join(' ')}`.trimEnd());
  return lines;
}

export const registerRouteCommand: RegisterCommand = (program) => {
  program
    .command('route')
    .description(
      "solve a standalone VRPLIB/CVRPLIB routing file (customer k is node k+1) or a Solomon VRPTW file (customer k is row k), depot left out; not the city's collection routes, which the service plans at /v1/routes",
    )
    .argument(
      '<file>',
      'instance file in VRPLIB format (.vrp) or Solomon format (.txt); the format is told from its sections',
    )
    .option('--time-limit <seconds>', 'search time budget in seconds', '10')
    .option('--seed <n>', 'random seed; a seed and an iteration count fix the result', '1')
    .option('--json', 'print {"cost": ..., "routes": [[...], ...]} instead of CVRPLIB .sol lines')
    .addHelpText(
      'after',
      [
        '',
        'Routes are printed in CVRPLIB numbering: customer k is node k+1 of the file,',
        'the depot is left out.',
        '',
        "This command solves one routing file on its own. The city's waste-collection",
        'routes (plan kind "route": trucks, depots, disposal trips, bin fill forecasts)',
        'are planned by the service that `urbanflow run` starts:',
        'GET /v1/routes/depots/{depot}/{date} or POST /v1/routes/plans.',
      ].join('\n'),
    )
    .action(async (file: string, opts: { timeLimit: string; seed: string; json?: boolean }) => {
      const seconds = Number(opts.timeLimit);
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw inputError(`--time-limit must be a positive number of seconds, got "${opts.timeLimit}"`, {
          field: 'time-limit',
        });
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw inputError(`--seed must be an integer, got "${opts.seed}"`, { field: 'seed' });
      let text: string;
      try {
        text = readTextFile(file);
      } catch (err) {
        throw inputError(`cannot read instance file ${file}: ${(err as Error).message}`, { field: 'file' });
      }
      // Loaded when the command runs, so other commands and --help do not pay for the solver.
      const { checkSolution, parseInstance, solveCvrp } = await import('../../../solvers/routing/index.js');
      const { instance } = parseInstance(text, basename(file).replace(/\.(vrp|txt)$/i, ''));
      const result = await solveCvrp(instance, { timeLimitMs: seconds * 1000, seed, now: () => performance.now() });
      // Printed only after the independent checker agrees; a vehicle count beyond the fleet is reported, not hidden.
      const check = checkSolution(instance, result.routes, result.vehicleTypes);
      const violations = check.violations.filter((v) => !check.fleetViolations.includes(v));
      if (violations.length > 0)
        throw new UrbanflowError(
          'UF_ERR_INTERNAL',
          `the solution failed its independent check: ${violations.slice(0, 3).join('; ')}`,
          { violations },
        );
      if (!result.feasible)
        process.stderr.write(
          `route: no solution within the ${instance.maxVehicles} vehicles was found; the routes below use ${result.routes.length}\n`,
        );
      if (opts.json) {
        const fleet = instance.mixedFleet
          ? { distance: result.distance, vehicleTypes: result.vehicleTypes.map((k) => instance.vehicleTypes[k].name) }
          : {};
        process.stdout.write(
          `${JSON.stringify({ cost: result.cost, feasible: result.feasible, routes: result.routes, ...fleet })}\n`,
        );
        return;
      }
      for (const line of solutionLines(instance, result.routes, result.vehicleTypes)) process.stdout.write(`${line}\n`);
      process.stdout.write(`Cost ${result.cost}\n`);
    });
};
