// `urbanflow route FILE.vrp`: solves a VRPLIB/CVRPLIB instance and prints the routes in CVRPLIB numbering.
// Not the city's waste-collection routes (the plan kind `route`, solved by solvers/routing/collection for the service):
// the help says so, since both are called "route".
import { basename } from 'node:path';
import { inputError } from '../../errors.js';
import { readTextFile } from '../../io/read-text-file.js';
import type { RegisterCommand } from './index.js';

export const registerRouteCommand: RegisterCommand = (program) => {
  program
    .command('route')
    .description('solve a standalone VRPLIB/CVRPLIB capacitated vehicle routing file (not the city\'s collection routes)')
    .argument('<file>', 'instance file in VRPLIB format (.vrp)')
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
        'This command solves one routing file on its own. The city\'s waste-collection',
        'routes (plan kind "route": trucks, depots, disposal trips, bin fill forecasts)',
        'are planned by the service that `urbanflow run` starts:',
        'GET /v1/routes/depots/{depot}/{date} or POST /v1/routes/plans.',
      ].join('\n'),
    )
    .action(async (file: string, opts: { timeLimit: string; seed: string; json?: boolean }) => {
      const seconds = Number(opts.timeLimit);
      if (!Number.isFinite(seconds) || seconds <= 0) throw inputError(`--time-limit must be a positive number of seconds, got "${opts.timeLimit}"`, { field: 'time-limit' });
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw inputError(`--seed must be an integer, got "${opts.seed}"`, { field: 'seed' });
      let text: string;
      try {
        text = readTextFile(file);
      } catch (err) {
        throw inputError(`cannot read instance file ${file}: ${(err as Error).message}`, { field: 'file' });
      }
      // Loaded when the command runs, so other commands and --help do not pay for the solver.
      const { parseVrplib, solveCvrp } = await import('../../../solvers/routing/index.js');
      const { instance } = parseVrplib(text, { fallbackName: basename(file).replace(/\.vrp$/i, '') });
      const result = await solveCvrp(instance, { timeLimitMs: seconds * 1000, seed, now: () => performance.now() });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ cost: result.cost, routes: result.routes })}\n`);
        return;
      }
      result.routes.forEach((r, i) => process.stdout.write(`Route #${i + 1}: ${r.join(' ')}\n`));
      process.stdout.write(`Cost ${result.cost}\n`);
    });
};

