// Cross-reference checks of city files: duplicates, unknown references, inconsistent ranges.
import { describe, expect, it } from 'vitest';
import { cityErrors, generateCity, type City } from '../../src/city/index.js';

const small = (): City =>
  structuredClone(generateCity({ seed: 9, intersections: 6, feeders: 2, resourcesPerFeeder: 5, bins: 20 }));
const messages = (city: City): string[] => cityErrors(city).map((e) => `${e.path}: ${e.message}`);

describe('city cross-references', () => {
  it('a generated city has none', () => {
    expect(cityErrors(small())).toEqual([]);
  });

  it('finds duplicate ids and duplicate sensor ids', () => {
    const city = small();
    city.intersections[2].id = city.intersections[0].id;
    city.waste.bins[4].sensor = city.waste.bins[1].sensor;
    city.feeders[1].meterSensor = city.intersections[0].approaches[0].laneGroups[0].detectors[0];
    const errors = messages(city);
    expect(errors).toContain(
      `intersections[2].id: duplicate intersection id "${city.intersections[0].id}" (also at intersections[0])`,
    );
    expect(errors).toContain(
      `waste.bins[4].sensor: duplicate sensor id "${city.waste.bins[1].sensor}" (also at waste.bins[1].sensor)`,
    );
    expect(errors.some((e) => e.startsWith('feeders[1].meterSensor: duplicate sensor id'))).toBe(true);
  });

  it('finds a phase naming an unknown lane group or crosswalk', () => {
    const city = small();
    city.intersections[1].phases[0].laneGroups.push('X-9');
    const ped = city.intersections[1].phases.findIndex((p) => p.pedestrian);
    city.intersections[1].phases[ped].pedestrian!.crosswalks = ['Q'];
    expect(messages(city)).toEqual(
      expect.arrayContaining([
        `intersections[1].phases[0].laneGroups[${city.intersections[1].phases[0].laneGroups.length - 1}]: unknown lane group "X-9" in intersection "${city.intersections[1].id}"`,
        `intersections[1].phases[${ped}].pedestrian.crosswalks[0]: unknown approach "Q" in intersection "${city.intersections[1].id}"`,
      ]),
    );
  });

  it('finds bins and trucks at unknown depots and depots of unknown contractors', () => {
    const city = small();
    city.waste.bins[7].depot = 'depot-99';
    city.waste.trucks[0].depot = 'depot-77';
    city.waste.depots[1].contractor = 'nobody';
    expect(messages(city)).toEqual([
      'waste.depots[1].contractor: unknown contractor "nobody"',
      'waste.trucks[0].depot: unknown depot "depot-77"',
      'waste.bins[7].depot: unknown depot "depot-99"',
    ]);
  });

  it('finds corridors naming unknown intersections or with the wrong number of links', () => {
    const city = small();
    city.corridors = [
      {
        id: 'c1',
        name: 'Main',
        intersections: [city.intersections[0].id, 'int-404', city.intersections[1].id],
        linkTravelTimesS: [30],
      },
    ];
    expect(messages(city)).toEqual([
      'corridors[0].intersections[1]: unknown intersection "int-404"',
      'corridors[0].linkTravelTimesS: must have 2 entries (one per link between 3 intersections), has 1',
    ]);
  });

  it('checks ranges the schema cannot: cycle bounds, NEMA fields, battery state of charge, timezone, dates', () => {
    const city = small();
    city.intersections[0].cycleMinS = 200;
    city.intersections[0].cycleMaxS = 100;
    const x = city.intersections[1];
    x.controller = 'nema';
    x.phases.forEach((p) => {
      p.nema = 1;
      p.ring = 1;
      p.barrier = 1;
    });
    delete x.phases[0].ring;
    city.timezone = 'Mars/Olympus';
    city.holidays = ['2026-02-30'];
    const errors = messages(city);
    expect(errors).toEqual(
      expect.arrayContaining([
        'intersections[0].cycleMinS: must be <= cycleMaxS (100)',
        'intersections[1].phases[0].ring: is required for a nema controller',
        'timezone: unknown IANA timezone "Mars/Olympus" (e.g. "America/Chicago")',
        'holidays[0]: "2026-02-30" is not a calendar date',
      ]),
    );
  });

  it('checks a battery state of charge against its bounds', () => {
    const city = small();
    city.feeders[1].resources[3] = {
      id: 'bat-x',
      sensor: 'dr-bat-x',
      type: 'battery',
      powerKW: 100,
      energyKWh: 200,
      soc: 0.99,
      socMin: 0.1,
      socMax: 0.95,
      roundTripEfficiency: 0.9,
      costPerKWh: 0.03,
    };
    expect(messages(city)).toEqual(['feeders[1].resources[3].soc: must be within [socMin, socMax] = [0.1, 0.95]']);
  });
});
