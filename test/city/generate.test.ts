// The city generator: deterministic for a seed, valid at any size, sized as asked.
import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../solvers/routing/collection/travel.js';
import { cityErrors, generateCity } from '../../src/city/index.js';

const haversineM = (a: { lat: number; lon: number }, b: { lat: number; lon: number }): number =>
  haversineKm(a, b) * 1000;

describe('generateCity', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateCity({ seed: 11, intersections: 10, bins: 50 });
    expect(generateCity({ seed: 11, intersections: 10, bins: 50 })).toEqual(a);
    expect(generateCity({ seed: 12, intersections: 10, bins: 50 })).not.toEqual(a);
  });

  it('produces valid cities of the requested sizes', () => {
    for (const [intersections, feeders, resourcesPerFeeder, bins] of [
      [1, 1, 0, 0],
      [7, 3, 4, 25],
      [120, 30, 12, 3000],
    ]) {
      const city = generateCity({ seed: 2, intersections, feeders, resourcesPerFeeder, bins });
      expect(cityErrors(city)).toEqual([]);
      expect(city.intersections).toHaveLength(intersections);
      expect(city.feeders).toHaveLength(feeders);
      expect(city.feeders.every((f) => f.resources.length === resourcesPerFeeder)).toBe(true);
      expect(city.waste.bins).toHaveLength(bins);
    }
  });

  it('clusters bins around their depots and links corridor neighbours one block apart', () => {
    const city = generateCity({ seed: 3, intersections: 48, bins: 400 });
    const depots = new Map(city.waste.depots.map((d) => [d.id, d]));
    const own = city.waste.bins.map((b) => haversineM(b.location, depots.get(b.depot)!.location));
    const other = city.waste.bins.map((b) =>
      haversineM(b.location, city.waste.depots.find((d) => d.id !== b.depot)!.location),
    );
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(own)).toBeLessThan(mean(other));
    const at = new Map(city.intersections.map((x) => [x.id, x]));
    for (const c of city.corridors) {
      for (let i = 1; i < c.intersections.length; i++) {
        const d = haversineM(at.get(c.intersections[i - 1])!.location, at.get(c.intersections[i])!.location);
        expect(d).toBeGreaterThan(400);
        expect(d).toBeLessThan(500);
      }
    }
  });
});
