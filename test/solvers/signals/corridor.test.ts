// Corridor coordination: common cycle, offsets from the MAXBAND MILP, bands re-measured by the checker and by brute force.
import { describe, expect, it } from 'vitest';
import { checkCorridor, planCorridor, planIntersection, type CorridorInput } from '../../../solvers/signals/index.js';
import { bandwidth, greenWindow } from '../../../solvers/signals/band.js';
import { randomCorridor } from '../../../solvers/signals/generate.js';
import { UrbanflowError } from '../../../src/errors.js';

describe('planCorridor', () => {
  it('gives every signal the common cycle and passes the corridor checker', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const input = randomCorridor(seed, 6);
      const plan = await planCorridor(input);
      expect(checkCorridor(input, plan), `seed ${seed}`).toEqual([]);
      expect(plan.plans.every((p) => p.pattern.cycleTime === plan.cycleTime)).toBe(true);
      expect(plan.solverStatus).toBe('Optimal');
    }
  });

  it('caps the common cycle at the smallest cycle.max of the signals', async () => {
    const input = randomCorridor(4, 4, 1.6);
    input.signals[2].intersection.cycle = { min: 40, max: 100 };
    expect(Math.max(...input.signals.map((s) => planIntersection(s.intersection).pattern.cycleTime))).toBeGreaterThan(
      100,
    );
    const plan = await planCorridor(input);
    expect(plan.cycleTime).toBeLessThanOrEqual(100);
    expect(checkCorridor(input, plan)).toEqual([]);
  });

  it('finds bands within rounding of the best whole-second offsets found by brute force (3 signals)', async () => {
    for (const seed of [11, 12, 13]) {
      const input = randomCorridor(seed, 3);
      const plan = await planCorridor(input);
      const C = plan.cycleTime;
      const out = input.signals.map((s, i) => greenWindow(plan.plans[i], s.outboundLaneGroup));
      const back = input.signals.map((s, i) => greenWindow(plan.plans[i], s.inboundLaneGroup));
      const t = input.links.map((l) => l.travelTimeS!);
      const T = [0, t[0], t[0] + t[1]];
      const Tb = [t[0] + t[1], t[1], 0];
      let best = 0;
      for (let o1 = 0; o1 < C; o1++) {
        for (let o2 = 0; o2 < C; o2++) {
          const ref = [0 - out[0].start, o1 - out[1].start, o2 - out[2].start];
          best = Math.max(best, bandwidth(C, out, ref, T) + bandwidth(C, back, ref, Tb));
        }
      }
      const total = plan.outboundBandwidth + plan.inboundBandwidth;
      expect(total, `seed ${seed}`).toBeGreaterThanOrEqual(best - 2);
      expect(total).toBeLessThanOrEqual(best + 1e-6);
    }
  });

  it('aligns an evenly spaced corridor into a full-width one-way band when only outbound counts', async () => {
    const input = randomCorridor(21, 5);
    input.inboundWeight = 0;
    const plan = await planCorridor(input);
    const narrowest = Math.min(...input.signals.map((s, i) => greenWindow(plan.plans[i], s.outboundLaneGroup).length));
    expect(plan.outboundBandwidth).toBeGreaterThanOrEqual(narrowest - 1);
    expect(checkCorridor(input, plan)).toEqual([]);
  });

  it('finds full two-way bands when the travel time is half the cycle (alternate progression)', async () => {
    const signal = (id: string): CorridorInput['signals'][number] => ({
      intersection: {
        id,
        approaches: (['N', 'E', 'S', 'W'] as const).map((leg) => ({ leg, speedKmh: 50, clearingWidthM: 12 })),
        laneGroups: [
          { id: 'WB', from: 'E', movements: 'T', lanes: 2, volume: { T: 700 } },
          { id: 'EB', from: 'W', movements: 'T', lanes: 2, volume: { T: 700 } },
          { id: 'NB', from: 'S', movements: 'T', lanes: 1, volume: { T: 300 } },
          { id: 'SB', from: 'N', movements: 'T', lanes: 1, volume: { T: 300 } },
        ],
        phasing: {
          type: 'stage',
          stages: [
            { id: 'EW', laneGroups: ['EB', 'WB'] },
            { id: 'NS', laneGroups: ['NB', 'SB'] },
          ],
        },
      },
      outboundLaneGroup: 'EB',
      inboundLaneGroup: 'WB',
    });
    const input: CorridorInput = {
      id: 'alt',
      cycle: 60,
      signals: [signal('a'), signal('b'), signal('c')],
      links: [{ travelTimeS: 30 }, { travelTimeS: 30 }],
    };
    const plan = await planCorridor(input);
    const green = plan.plans[0].phases[0].green;
    expect(plan.plans.map((p) => p.pattern.offsetTime)).toEqual([0, 30, 0]);
    expect(plan.outboundBandwidth).toBeCloseTo(green, 6);
    expect(plan.inboundBandwidth).toBeCloseTo(green, 6);
    expect(checkCorridor(input, plan)).toEqual([]);
  });

  it('plans the same offsets whether a link is given as a travel time or as the length and speed that make it', async () => {
    // Length / speed gives the travel time back only to the last bits; the MILP has many tied optima, and that
    // noise must not pick another one.
    for (const [seed, n, demand] of [
      [7, 5, 0.8],
      [11, 4, 1],
      [20, 3, 1],
    ]) {
      const input = randomCorridor(seed, n, demand);
      const measured: CorridorInput = {
        ...input,
        links: input.links.map((l) => ({ lengthM: (l.travelTimeS! * 50) / 3.6, speedKmh: 50 })),
      };
      const [given, derived] = [await planCorridor(input), await planCorridor(measured)];
      const summary = (p: typeof given) => ({
        offsets: p.plans.map((q) => q.pattern.offsetTime),
        outbound: p.outboundBandwidth.toFixed(6),
        inbound: p.inboundBandwidth.toFixed(6),
      });
      expect(summary(derived), `seed ${seed}`).toEqual(summary(given));
    }
  });

  it('rejects a corridor with missing links or unknown arterial lane groups', async () => {
    const input: CorridorInput = randomCorridor(3, 3);
    await expect(planCorridor({ ...input, links: input.links.slice(1) })).rejects.toThrow(
      /links must have one entry per pair/,
    );
    const wrong = {
      ...input,
      signals: input.signals.map((s, i) => (i === 1 ? { ...s, outboundLaneGroup: 'nope' } : s)),
    };
    await expect(planCorridor(wrong)).rejects.toBeInstanceOf(UrbanflowError);
  });
});
