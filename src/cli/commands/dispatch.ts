// `urbanflow dispatch FILE.json [--json]`: solve a demand-response dispatch request and print the plan.
import type { DispatchPlan, DispatchRequest } from '../../../solvers/dispatch/index.js';
import { inputError } from '../../errors.js';
import { readTextFile } from '../../io/read-text-file.js';
import type { RegisterCommand } from './index.js';

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (err) {
    throw inputError(`cannot read ${what} ${file}: ${(err as Error).message}`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw inputError(`${what} ${file} is not valid JSON: ${(err as Error).message}`, { file });
  }
}

function summary(plan: DispatchPlan): string {
  const fmt = (v: number) => v.toFixed(1).padStart(8);
  const lines = [
    `status ${plan.status} (${plan.backend}${plan.mip ? `, MIP${plan.mipGap !== undefined ? ` gap ${plan.mipGap.toExponential(1)}` : ''}` : ', LP'})`,
    `cost ${plan.cost.total.toFixed(2)} (energy ${plan.cost.energy.toFixed(2)}, calls ${plan.cost.calls.toFixed(2)}); shortfall penalty ${plan.shortfallPenalty.toFixed(2)}`,
    `interval              delivered kW  shortfall kW  marginal /kWh`,
  ];
  plan.intervals.forEach((iv, t) => {
    const mc = plan.marginalCostPerKWh ? plan.marginalCostPerKWh[t].toFixed(3).padStart(14) : '             -';
    lines.push(`${iv.start.slice(0, 16)}  ${fmt(plan.deliveredKW[t])}      ${fmt(plan.shortfallKW[t])}  ${mc}`);
  });
  lines.push('resource              calls   cost     setpoints kW');
  for (const r of plan.resources) {
    lines.push(
      `${r.id.padEnd(20)}  ${String(r.calls).padStart(5)}  ${r.cost.toFixed(2).padStart(7)}  ${r.setpointKW.map((v) => v.toFixed(1)).join(' ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export const registerDispatchCommand: RegisterCommand = (program) => {
  program
    .command('dispatch')
    .description(
      'Solve a demand-response dispatch request (JSON): setpoints per resource and interval, costs, shortfall, OpenADR 3 events',
    )
    .argument('<file>', 'dispatch request JSON file')
    .option('--json', 'print the whole plan as JSON, OpenADR events included')
    .option(
      '--city <file>',
      'city file whose DR resources the request names by { "ref": id } or { "feeder": id } (default: the sample city)',
    )
    .action(async (file: string, opts: { json?: boolean; city?: string }) => {
      const { checkDispatchInput, checkDispatchRules, isCityReference } =
        await import('../../../solvers/dispatch/index.js');
      const input = checkDispatchInput(readJson(file, 'dispatch request'));
      let request = input as DispatchRequest;
      if (input.resources.some(isCityReference)) {
        const { resolveCityResources } = await import('../../app/plans/dispatch-resources.js');
        const { loadCity, loadSampleCity } = await import('../../city/index.js');
        const warn = (message: string) => process.stderr.write(`warning: ${opts.city}: ${message}\n`);
        const city = opts.city === undefined ? loadSampleCity() : loadCity(readJson(opts.city, 'city file'), warn);
        const resolved = resolveCityResources(input, city);
        for (const l of resolved.leftOut)
          process.stderr.write(`note: ${l.id} (feeder ${l.feeder}) left out: ${l.reason}\n`);
        request = resolved.request;
      }
      checkDispatchRules(request);
      // the same task the API's POST /v1/dispatch/plans runs, here on this thread (its LP solves on HiGHS threads)
      const { SolverRuntime } = await import('../../runtime/index.js');
      const solvers = new SolverRuntime({ threads: 0 });
      const plan = await solvers.run({ kind: 'dispatch', input: request }).finally(() => solvers.close());
      process.stdout.write(opts.json ? `${JSON.stringify(plan)}\n` : summary(plan));
    });
};
