// Schema validation of city files: every bad field is named by its JSON path, with what is wrong.
import { describe, expect, it } from 'vitest';
import { cityErrors, generateCity, loadCity, type City } from '../../src/city/index.js';
import { UrbanflowError } from '../../src/errors.js';

const small = (): City =>
  structuredClone(generateCity({ seed: 5, intersections: 6, feeders: 2, resourcesPerFeeder: 8, bins: 30 }));

function errorsOf(value: unknown): string[] {
  try {
    loadCity(value);
  } catch (err) {
    expect(err).toBeInstanceOf(UrbanflowError);
    expect((err as UrbanflowError).code).toBe('UF_ERR_CITY_INVALID');
    return ((err as UrbanflowError).details.errors as { path: string; message: string }[]).map(
      (e) => `${e.path}: ${e.message}`,
    );
  }
  throw new Error('expected the city to be rejected');
}

describe('loadCity schema errors', () => {
  it('accepts a generated city as parsed JSON and as text', () => {
    const city = small();
    expect(loadCity(city).id).toBe(city.id);
    expect(loadCity(JSON.stringify(city)).intersections).toHaveLength(6);
  });

  it('names a bad lane count by its full path', () => {
    const city = small() as unknown as { intersections: { approaches: { laneGroups: { lanes: number }[] }[] }[] };
    city.intersections[3].approaches[0].laneGroups[1].lanes = 0;
    expect(errorsOf(city)).toEqual(['intersections[3].approaches[0].laneGroups[1].lanes: must be >= 1, got 0']);
  });

  it('lists every bad field at once, in the message too', () => {
    const city = small() as unknown as Record<string, any>;
    city.intersections[0].cycleMaxS = 'long';
    delete city.waste.bins[2].volumeL;
    city.waste.bins[3].colour = 'green';
    city.intersections[1].controller = 'fixed';
    city.holidays = ['2026-13-01'];
    const errors = errorsOf(city);
    expect(errors).toEqual(
      expect.arrayContaining([
        'intersections[0].cycleMaxS: must be a finite number, got "long"',
        'waste.bins[2].volumeL: is required',
        expect.stringMatching(/^waste\.bins\[3\]\.colour: is not a known field \(known: id, location, volumeL, /),
        'intersections[1].controller: must be one of "stage", "nema", got "fixed"',
        'holidays[0]: must be a date YYYY-MM-DD',
      ]),
    );
    expect(errors).toHaveLength(5);
    try {
      loadCity(city);
    } catch (err) {
      expect((err as Error).message).toContain('waste.bins[2].volumeL: is required');
      expect((err as Error).message).toContain('(5 errors)');
    }
  });

  it('names the field inside a DR resource by its type', () => {
    const city = small();
    const feeder = city.feeders[0];
    const battery = feeder.resources.findIndex((r) => r.type === 'battery');
    const other = feeder.resources.findIndex((r) => r.type !== 'battery');
    expect(battery).toBeGreaterThanOrEqual(0);
    (feeder.resources[battery] as unknown as Record<string, unknown>).energyKWh = -5;
    (feeder.resources[other] as unknown as Record<string, unknown>).type = 'flywheel';
    expect(errorsOf(city).sort()).toEqual(
      [
        `feeders[0].resources[${battery}].energyKWh: must be > 0, got -5`,
        `feeders[0].resources[${other}].type: must be one of "battery", "hvac", "ev", "industrial", got "flywheel"`,
      ].sort(),
    );
  });

  it('reports cross-reference problems alongside schema errors', () => {
    const city = small() as unknown as Record<string, any>;
    city.intersections[0].approaches[0].speedLimitKmh = -1;
    city.waste.bins[5].depot = 'depot-x';
    expect(errorsOf(city)).toEqual([
      'intersections[0].approaches[0].speedLimitKmh: must be >= 5, got -1',
      'waste.bins[5].depot: unknown depot "depot-x"',
    ]);
  });

  it('reports text that is not JSON', () => {
    expect(errorsOf('{"id": ')[0]).toMatch(/^\(root\): is not valid JSON/);
  });

  it('rejects a non-object', () => {
    expect(cityErrors(42)).toEqual([{ path: '(root)', message: 'must be an object' }]);
  });
});
