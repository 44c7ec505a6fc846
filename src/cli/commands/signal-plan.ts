// `urbanflow signal-plan FILE.json`: timing plans for the intersections and corridors a JSON file describes.
import { inputError } from '../../errors.js';
import { readTextFile } from '../../io/read-text-file.js';
import type { IntersectionPlan } from '../../../solvers/signals/index.js';
import type { SignalsRequest } from '../../../solvers/signals/request-schema.js';
import type { RegisterCommand } from './index.js';

async function readPlanFile(file: string): Promise<SignalsRequest> {
  let data: unknown;
  try {
    data = JSON.parse(readTextFile(file));
  } catch (err) {
    throw inputError(`cannot read ${file} as JSON: ${(err as Error).message}`, { file });
  }
  // loaded here, not with the command list: `urbanflow --help` loads no schema library
  const { checkSignalsRequest } = await import('../../../solvers/signals/request-schema.js');
  return checkSignalsRequest(data, file);
}

export const registerSignalPlanCommand: RegisterCommand = (program) => {
  program
    .command('signal-plan')
    .description(
      'Signal timing plans (Webster cycle, LP green splits, ITE clearances, HCM delay and LOS) and corridor offsets from a JSON file',
    )
    .argument('<file>', 'JSON with "intersections" (geometry, demand per lane group, phasing) and optional "corridors"')
    .option('--json', 'print the plans as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const input = await readPlanFile(file);
      // the same task the API's POST /v1/signals/plans runs, here on this thread
      const { SolverRuntime } = await import('../../runtime/index.js');
      const solvers = new SolverRuntime({ threads: 0 });
      const { plans, corridors } = await solvers.run({ kind: 'signals', input }).finally(() => solvers.close());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ plans, corridors })}\n`);
        return;
      }
      for (const p of plans) printPlan(p);
      for (const c of corridors) {
        process.stdout.write(
          `corridor ${c.corridorId}: cycle ${c.cycleTime} s, bands ${c.outboundBandwidth.toFixed(1)} s outbound / ${c.inboundBandwidth.toFixed(1)} s inbound (${c.solverStatus})\n`,
        );
        for (const p of c.plans)
          process.stdout.write(
            `  ${p.intersectionId}: offset ${p.pattern.offsetTime} s to phase ${p.pattern.coordPhase} green\n`,
          );
      }
    });
};

function printPlan(p: IntersectionPlan): void {
  const perf = p.performance;
  const w = (s: string | number, n: number): string => String(s).padEnd(n);
  process.stdout.write(
    `${p.intersectionId}: cycle ${p.pattern.cycleTime} s (${p.cycleSource}), Y ${perf.criticalFlowRatio.toFixed(3)}, L ${perf.lostTime.toFixed(1)} s, ` +
      `max v/c ${perf.maxDegreeOfSaturation.toFixed(3)}, delay ${perf.controlDelay.toFixed(1)} s/veh LOS ${perf.los}` +
      `${perf.reserveCapacityPercent === null ? '' : `, reserve capacity ${perf.reserveCapacityPercent.toFixed(0)}%`}${p.oversaturated ? ', OVERSATURATED' : ''}\n`,
  );
  process.stdout.write(
    `  ${w('phase', 7)}${w('ring', 5)}${w('start', 6)}${w('split', 6)}${w('green', 7)}${w('yellow', 7)}${w('red', 5)}${w('walk', 5)}${w('ped', 5)}lane groups\n`,
  );
  for (const ph of p.phases) {
    process.stdout.write(
      `  ${w(ph.phase, 7)}${w(ph.ring, 5)}${w(ph.start, 6)}${w(ph.splitTime, 6)}${w(ph.green.toFixed(1), 7)}${w(ph.yellowChange.toFixed(1), 7)}` +
        `${w(ph.redClear.toFixed(1), 5)}${w(ph.walk, 5)}${w(ph.pedestrianClear, 5)}${ph.laneGroups.join(' ')}\n`,
    );
  }
  process.stdout.write(`  ${w('lane group', 12)}${w('v/c', 7)}${w('d1', 7)}${w('d2', 7)}${w('delay', 7)}LOS\n`);
  for (const g of perf.laneGroups) {
    process.stdout.write(
      `  ${w(g.id, 12)}${w(g.vc.toFixed(3), 7)}${w(g.uniformDelay.toFixed(1), 7)}${w(g.incrementalDelay.toFixed(1), 7)}${w(g.controlDelay.toFixed(1), 7)}${g.los}\n`,
    );
  }
}
