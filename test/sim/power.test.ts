// Electricity shapes: feeder load follows a daily shape and rises with temperature; DR resources report plausible telemetry.
import { describe, expect, it } from 'vitest';
import { createSimulator, NO_DISORDER } from '../../src/sim/index.js';
import { cdt, correlation, HOUR, mean, run, smallCity } from './helpers.js';

const city = smallCity();
const DAY = 24 * HOUR;

describe('feeder load and weather', () => {
  const start = cdt('2026-07-01T00:00:00');
  const days = 35;
  const load: number[][] = Array.from({ length: days }, () => []);
  const temp: number[][] = Array.from({ length: days }, () => []);
  const byHour = new Map<number, number[]>();
  const sim = createSimulator(city, { seed: 17, sensorKinds: ['feeder-meter', 'weather'], disorder: NO_DISORDER });
  run(sim, start, start + days * DAY, DAY, (r) => {
    const day = Math.floor((r.ts - start) / DAY);
    if (r.metric === 'weather.temp_c') temp[day].push(r.value);
    if (r.sensor === city.feeders[0].meterSensor) {
      load[day].push(r.value);
      const hour = Math.floor(((r.ts - start) % DAY) / HOUR);
      byHour.set(hour, [...(byHour.get(hour) ?? []), r.value]);
    }
  });

  it('peaks in the evening and dips at night', () => {
    expect(mean(byHour.get(19)!)).toBeGreaterThan(1.2 * mean(byHour.get(4)!));
  });

  it('correlates daily load with daily temperature on working days', () => {
    // 2026-07-01 is a Wednesday; keep Monday-Friday and drop the 3 July holiday.
    const workdays = [...Array(days).keys()].filter((d) => {
      const weekday = (d + 2) % 7;
      return weekday < 5 && d !== 2;
    });
    const r = correlation(
      workdays.map((d) => mean(temp[d])),
      workdays.map((d) => mean(load[d])),
    );
    expect(r).toBeGreaterThan(0.6);
  });

  it('keeps temperatures plausible for a Chicago summer with a daily cycle', () => {
    const all = temp.flat();
    expect(Math.min(...all)).toBeGreaterThan(5);
    expect(Math.max(...all)).toBeLessThan(45);
    const afternoon: number[] = [];
    const dawn: number[] = [];
    const sim2 = createSimulator(city, { seed: 17, sensorKinds: ['weather'], disorder: NO_DISORDER });
    run(sim2, start, start + 7 * DAY, DAY, (r) => {
      const hour = Math.floor(((r.ts - start) % DAY) / HOUR);
      if (hour === 15) afternoon.push(r.value);
      if (hour === 5) dawn.push(r.value);
    });
    expect(mean(afternoon) - mean(dawn)).toBeGreaterThan(5);
  });
});

describe('DR resource telemetry', () => {
  it('reports power for every resource and state of charge for batteries, within their ratings', () => {
    const sim = createSimulator(city, { seed: 2, sensorKinds: ['dr-resource'], disorder: NO_DISORDER });
    const resources = new Map(city.feeders.flatMap((f) => f.resources.map((r) => [r.sensor, r])));
    const seen = new Set<string>();
    let socs = 0;
    run(sim, cdt('2026-06-16T00:00:00'), cdt('2026-06-17T00:00:00'), HOUR, (r) => {
      const res = resources.get(r.sensor)!;
      seen.add(r.sensor);
      if (r.metric === 'battery.soc') {
        socs++;
        expect(res.type).toBe('battery');
        expect(r.value).toBeGreaterThanOrEqual(0);
        expect(r.value).toBeLessThanOrEqual(1);
        return;
      }
      expect(r.metric).toBe('dr.kw');
      if (res.type === 'battery') expect(Math.abs(r.value)).toBeLessThanOrEqual(res.powerKW * 1.05);
      if (res.type === 'ev') expect(r.value).toBeLessThanOrEqual(res.maxChargeKW);
      if (res.type === 'industrial') expect(r.value).toBeLessThanOrEqual(res.maxKW);
      if (res.type !== 'battery') expect(r.value).toBeGreaterThanOrEqual(0);
    });
    expect(seen.size).toBe(resources.size);
    expect(socs).toBe([...resources.values()].filter((r) => r.type === 'battery').length * 1440);
  });
});
