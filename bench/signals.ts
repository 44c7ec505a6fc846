// Benchmark `signals`: plans for 1,000 generated intersections, and offsets for a 20-signal corridor.
import { planCorridor, planIntersection } from '../solvers/signals/index.js';
import { randomCorridor, randomIntersection } from '../solvers/signals/generate.js';
import type { Bench } from './index.js';

export const signalsBench: Bench = async () => {
  const intersections = Array.from({ length: 1000 }, (_, i) => randomIntersection(i + 1, 0.4 + (i % 8) / 8));
  // Warm-up: JIT and the HiGHS WebAssembly instance, so the figures measure planning, not loading.
  for (let i = 0; i < 50; i++) planIntersection(intersections[i]);
  await planCorridor(randomCorridor(999, 3));

  let t = performance.now();
  let oversaturated = 0;
  for (const input of intersections) if (planIntersection(input).oversaturated) oversaturated++;
  const intersections1000Ms = performance.now() - t;
  process.stderr.write(`signals: 1000 intersections planned, ${oversaturated} oversaturated\n`);

  const corridor = randomCorridor(7, 20, 0.8);
  t = performance.now();
  const plan = await planCorridor(corridor);
  const corridor20Ms = performance.now() - t;
  return {
    intersections1000Ms: Math.round(intersections1000Ms * 10) / 10,
    corridor20Ms: Math.round(corridor20Ms * 10) / 10,
    oversaturatedOf1000: oversaturated,
    corridor20Cycle: plan.cycleTime,
    corridor20OutboundBandS: Math.round(plan.outboundBandwidth * 10) / 10,
    corridor20InboundBandS: Math.round(plan.inboundBandwidth * 10) / 10,
    corridor20SolverStatus: plan.solverStatus,
  };
};
