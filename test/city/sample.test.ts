// The shipped sample city: valid, big enough, and exactly what the generator makes for seed 1.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatCityJson,
  generateCity,
  loadSampleCity,
  SAMPLE_CITY_PATH,
  sensorCounts,
  sensorIndex,
} from '../../src/city/index.js';

describe('sample city', () => {
  const city = loadSampleCity();

  it('meets the size minimums', () => {
    expect(city.intersections.length).toBeGreaterThanOrEqual(40);
    expect(city.feeders.length).toBeGreaterThanOrEqual(20);
    expect(city.feeders.reduce((s, f) => s + f.resources.length, 0)).toBeGreaterThanOrEqual(200);
    expect(city.waste.bins.length).toBeGreaterThanOrEqual(1000);
    expect(city.corridors.length).toBeGreaterThan(0);
    expect(new Set(city.feeders.flatMap((f) => f.resources.map((r) => r.type)))).toEqual(
      new Set(['battery', 'hvac', 'ev', 'industrial']),
    );
  });

  it('has four approaches with 2-3 lane groups and a detector each at every intersection', () => {
    for (const x of city.intersections) {
      expect(x.approaches).toHaveLength(4);
      for (const a of x.approaches) {
        expect(a.laneGroups.length).toBeGreaterThanOrEqual(2);
        expect(a.laneGroups.length).toBeLessThanOrEqual(3);
        for (const g of a.laneGroups) expect(g.detectors.length).toBeGreaterThanOrEqual(1);
      }
      const served = new Set(x.phases.flatMap((p) => p.laneGroups));
      for (const g of x.approaches.flatMap((a) => a.laneGroups)) expect(served.has(g.id)).toBe(true);
    }
  });

  // After a generator change, regenerate with `urbanflow city generate > src/city/sample-city.json`.
  it('is the generator output for seed 1 with default sizes', () => {
    expect(readFileSync(SAMPLE_CITY_PATH, 'utf8')).toBe(formatCityJson(generateCity({ seed: 1 })));
  });

  it('indexes every sensor once', () => {
    const counts = sensorCounts(sensorIndex(city));
    expect(counts.bin).toBe(city.waste.bins.length);
    expect(counts['feeder-meter']).toBe(city.feeders.length);
    expect(counts['dr-resource']).toBe(200);
    expect(counts.weather).toBe(city.weatherStations.length);
    expect(counts.detector).toBe(
      city.intersections.flatMap((x) => x.approaches.flatMap((a) => a.laneGroups.flatMap((g) => g.detectors))).length,
    );
  });
});
