// The sensor index maps each sensor to its kind and owners.
import { describe, expect, it } from 'vitest';
import { generateCity, sensorIndex } from '../../src/city/index.js';

describe('sensorIndex', () => {
  const city = generateCity({ seed: 4, intersections: 4, feeders: 2, resourcesPerFeeder: 3, bins: 10 });
  const index = sensorIndex(city);

  it('names the intersection, approach and lane group of a detector', () => {
    const x = city.intersections[2];
    const a = x.approaches[1];
    const g = a.laneGroups[0];
    expect(index.get(g.detectors[0])).toEqual({
      kind: 'detector',
      sensor: g.detectors[0],
      intersection: x.id,
      approach: a.id,
      laneGroup: g.id,
    });
  });

  it('names the feeder of a meter and of a DR resource, the depot of a bin, the station of a thermometer', () => {
    const f = city.feeders[1];
    const r = f.resources[2];
    const b = city.waste.bins[7];
    expect(index.get(f.meterSensor)).toEqual({ kind: 'feeder-meter', sensor: f.meterSensor, feeder: f.id });
    expect(index.get(r.sensor)).toEqual({
      kind: 'dr-resource',
      sensor: r.sensor,
      resource: r.id,
      resourceType: r.type,
      feeder: f.id,
    });
    expect(index.get(b.sensor)).toEqual({ kind: 'bin', sensor: b.sensor, bin: b.id, depot: b.depot, area: b.area });
    const s = city.weatherStations[0];
    expect(index.get(s.sensor)).toEqual({ kind: 'weather', sensor: s.sensor, station: s.id });
  });

  it('covers every sensor', () => {
    const detectors = city.intersections.flatMap((x) =>
      x.approaches.flatMap((a) => a.laneGroups.flatMap((g) => g.detectors)),
    ).length;
    expect(index.size).toBe(detectors + 2 + 6 + 10 + city.weatherStations.length);
  });
});
