// The sensor catalog: lane group and approach keys name their intersection, so equal local ids never merge.
import { describe, expect, it } from 'vitest';
import { catalogFromCity } from '../../src/app/catalog.js';
import { loadSampleCity } from '../../src/city/index.js';

describe('catalogFromCity', () => {
  it('keys every lane group and approach of the city separately', () => {
    const city = loadSampleCity();
    const catalog = catalogFromCity(city);
    const laneGroups = city.intersections.flatMap((x) => x.approaches.flatMap((a) => a.laneGroups.map((g) => `${x.id}/${g.id}`)));
    const approaches = city.intersections.flatMap((x) => x.approaches.map((a) => `${x.id}/${a.id}`));
    // The sample city reuses lane group ids such as N-L at many intersections.
    expect(new Set(laneGroups.map((k) => k.split('/')[1])).size).toBeLessThan(laneGroups.length);
    expect([...catalog.groupings.get('laneGroup')!.keys].sort()).toEqual([...laneGroups].sort());
    expect([...catalog.groupings.get('approach')!.keys].sort()).toEqual([...approaches].sort());
    const x = city.intersections[3];
    const g = x.approaches[1].laneGroups[0];
    const grouping = catalog.groupings.get('laneGroup')!;
    const sensor = catalog.index.get(g.detectors[0])!;
    expect(grouping.keys[grouping.ofSensor[sensor]]).toBe(`${x.id}/${g.id}`);
  });
});
