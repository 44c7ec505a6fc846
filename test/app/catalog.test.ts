// The city's sensor catalog: every stream key names one entity of the city, never several.
import { describe, expect, it } from 'vitest';
import { catalogFromCity, intersectionKey } from '../../src/app/catalog.js';
import { loadSampleCity } from '../../src/city/index.js';

const city = loadSampleCity();
const catalog = catalogFromCity(city);

describe('catalogFromCity', () => {
  it('keys lane groups and approaches per intersection, since their ids repeat across intersections', () => {
    const laneGroups = city.intersections.flatMap((x) =>
      x.approaches.flatMap((a) => a.laneGroups.map((g) => intersectionKey(x.id, g.id))),
    );
    const approaches = city.intersections.flatMap((x) => x.approaches.map((a) => intersectionKey(x.id, a.id)));
    expect(new Set(laneGroups).size).toBe(laneGroups.length);
    expect([...catalog.groupings.get('laneGroup')!.keys].sort()).toEqual(laneGroups.sort());
    expect([...catalog.groupings.get('approach')!.keys].sort()).toEqual(approaches.sort());
  });

  it('maps each detector to the lane group that holds it', () => {
    const g = catalog.groupings.get('laneGroup')!;
    for (const x of city.intersections) {
      for (const a of x.approaches) {
        for (const lg of a.laneGroups) {
          for (const d of lg.detectors)
            expect(g.keys[g.ofSensor[catalog.index.get(d)!]]).toBe(intersectionKey(x.id, lg.id));
        }
      }
    }
  });

  it('gives every feeder, bin and DR resource its own key', () => {
    expect(catalog.groupings.get('feeder')!.keys).toHaveLength(city.feeders.length);
    expect(catalog.groupings.get('bin')!.keys).toHaveLength(city.waste.bins.length);
    expect(catalog.groupings.get('resource')!.keys).toHaveLength(
      city.feeders.reduce((n, f) => n + f.resources.length, 0),
    );
  });
});
