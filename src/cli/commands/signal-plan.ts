// `urbanflow signal-plan FILE.json`: timing plans for the intersections and corridors a JSON file describes.
import { inputError } from '../../errors.js';
import { readTextFile } from '../../io/read-text-file.js';
import type { CorridorInput, IntersectionInput, IntersectionPlan } from '../../../solvers/signals/index.js';
import type { RegisterCommand } from './index.js';

/** The file: intersections to plan alone, and corridors whose signals name those intersections by id. */
interface SignalPlanFile {
  intersections: IntersectionInput[];
  corridors?: (Omit<CorridorInput, 'signals'> & {
    signals: { intersection: string; outboundLaneGroup: string; inboundLaneGroup: string }[];
  })[];
}

function readPlanFile(file: string): SignalPlanFile {
  let data: unknown;
  try {
    data = JSON.parse(readTextFile(file));
  } catch (err) {
    throw inputError(`cannot read ${file} as JSON: ${(err as Error).message}`, { file });
  }
  const f = data as SignalPlanFile;
  if (typeof f !== 'object' || f === null || !Array.isArray(f.intersections)) {
    throw inputError(`${file}: expected an object with an "intersections" array`, { field: 'intersections' });
  }
  if (f.corridors !== undefined && !Array.isArray(f.corridors))
    throw inputError(`${file}: "corridors" must be an array`, { field: 'corridors' });
  return f;
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
      const input = readPlanFile(file);
      for (const [i, c] of (input.corridors ?? []).entries()) {
        if (!Array.isArray(c.signals))
          throw inputError(`corridors[${i}] (${c.id}): signals must be an array`, { field: `corridors[${i}].signals` });
      }
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
