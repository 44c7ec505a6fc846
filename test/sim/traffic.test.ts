// Traffic shapes: weekday AM/PM peaks by approach direction, lower weekend mornings, occupancy and speed consistent with flow.
import { describe, expect, it } from 'vitest';
import { sensorIndex, type DetectorSensor } from '../../src/city/index.js';
import { createSimulator, NO_DISORDER } from '../../src/sim/index.js';
import { cdt, HOUR, mean, run, smallCity } from './helpers.js';

const city = smallCity();
const index = sensorIndex(city);

/** Vehicle counts per detector per local hour over one day starting at local midnight `dayStart`. */
function hourlyCounts(dayStart: number): Map<string, number[]> {
  const sim = createSimulator(city, { seed: 21, sensorKinds: ['detector'], disorder: NO_DISORDER });
  const counts = new Map<string, number[]>();
  run(sim, dayStart, dayStart + 24 * HOUR, HOUR, (r) => {
    if (r.metric !== 'detector.count') return;
    let row = counts.get(r.sensor);
    if (!row) counts.set(r.sensor, (row = new Array<number>(24).fill(0)));
    row[Math.floor((r.ts - dayStart) / HOUR)] += r.value;
  });
  return counts;
}

const monday = hourlyCounts(cdt('2026-06-15T00:00:00'));
const saturday = hourlyCounts(cdt('2026-06-20T00:00:00'));
const total = (
  counts: Map<string, number[]>,
  hour: number,
  keep: (d: DetectorSensor) => boolean = () => true,
): number => {
  let s = 0;
  for (const [sensor, row] of counts) if (keep(index.get(sensor) as DetectorSensor)) s += row[hour];
  return s;
};

describe('traffic shapes', () => {
  it('has a weekday morning peak far above night flow', () => {
    expect(total(monday, 8)).toBeGreaterThan(5 * total(monday, 3));
    expect(total(monday, 17)).toBeGreaterThan(5 * total(monday, 3));
  });

  it('has a lower morning peak on the weekend', () => {
    expect(total(saturday, 8)).toBeLessThan(0.6 * total(monday, 8));
    expect(total(saturday, 3)).toBeGreaterThan(0);
  });

  it('peaks in the morning towards downtown and in the evening away from it', () => {
    const latMean = mean(city.intersections.map((x) => x.location.lat));
    const north = new Set(city.intersections.filter((x) => x.location.lat > latMean + 1e-4).map((x) => x.id));
    // North of downtown, traffic from the north approach heads in; from the south approach it heads out.
    const inbound = (d: DetectorSensor): boolean => north.has(d.intersection) && d.approach === 'N';
    const outbound = (d: DetectorSensor): boolean => north.has(d.intersection) && d.approach === 'S';
    const ratioIn = total(monday, 8, inbound) / total(monday, 17, inbound);
    const ratioOut = total(monday, 8, outbound) / total(monday, 17, outbound);
    expect(ratioIn).toBeGreaterThan(1.2);
    expect(ratioOut).toBeLessThan(0.85);
  });

  it('reports occupancy rising and speed falling with flow', () => {
    const sim = createSimulator(city, { seed: 5, sensorKinds: ['detector'], disorder: NO_DISORDER });
    const byKey = new Map<string, { count?: number; occ?: number; speed?: number }>();
    run(sim, cdt('2026-06-16T00:00:00'), cdt('2026-06-17T00:00:00'), HOUR, (r) => {
      const key = `${r.sensor}@${r.ts}`;
      const e = byKey.get(key) ?? {};
      if (r.metric === 'detector.count') e.count = r.value;
      else if (r.metric === 'detector.occupancy') e.occ = r.value;
      else if (r.quality === undefined) e.speed = r.value;
      byKey.set(key, e);
    });
    const rows = [...byKey.entries()]
      .map(([key, e]) => ({ sensor: key.split('@')[0], ...e }))
      .filter((e) => e.count !== undefined && e.occ !== undefined && e.speed !== undefined && e.count > 0);
    const hi = rows.filter((e) => e.count! >= 8);
    const lo = rows.filter((e) => e.count! <= 1);
    expect(hi.length).toBeGreaterThan(50);
    expect(mean(hi.map((e) => e.occ!))).toBeGreaterThan(2 * mean(lo.map((e) => e.occ!)));
    // Compare speeds within each detector: streets differ in speed limit, so pooling would compare streets, not flows.
    const speeds = new Map<string, { h: number[]; l: number[] }>();
    for (const e of [
      ...hi.map((x) => ({ ...x, side: 'h' as const })),
      ...lo.map((x) => ({ ...x, side: 'l' as const })),
    ]) {
      const entry = speeds.get(e.sensor) ?? { h: [], l: [] };
      entry[e.side].push(e.speed!);
      speeds.set(e.sensor, entry);
    }
    const drops = [...speeds.values()]
      .filter((x) => x.h.length >= 5 && x.l.length >= 5)
      .map((x) => mean(x.h) - mean(x.l));
    expect(drops.length).toBeGreaterThan(5);
    expect(mean(drops)).toBeLessThan(-2);
    for (const e of rows) {
      expect(e.occ).toBeGreaterThanOrEqual(0);
      expect(e.occ).toBeLessThanOrEqual(1);
    }
  });
});
