// Deprecated city field spellings (costPerKwh, shedKw, maxDurationMin, …) are read as the current ones and reported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEPRECATED_FEEDER_FIELDS,
  DEPRECATED_RESOURCE_FIELDS,
  formatCityJson,
  generateCity,
  loadCity,
} from '../../src/city/index.js';
import { isUrbanflowError } from '../../src/errors.js';

const city = () =>
  generateCity({
    seed: 3,
    intersections: 2,
    feeders: 2,
    resourcesPerFeeder: 4,
    bins: 5,
    depots: 1,
    trucksPerDepot: 1,
    weatherStations: 1,
  });

/** The city as an older release wrote it: every renamed field under its old name. */
function withOldSpellings(c: ReturnType<typeof city>): unknown {
  const back = (table: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(table).map(([old, now]) => [now, old]));
  const rename = (o: Record<string, unknown>, table: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [table[k] ?? k, v]));
  const json = JSON.parse(formatCityJson(c)) as { feeders: Record<string, unknown>[] };
  json.feeders = json.feeders.map((f) => ({
    ...rename(f, back(DEPRECATED_FEEDER_FIELDS)),
    resources: (f.resources as Record<string, unknown>[]).map((r) => rename(r, back(DEPRECATED_RESOURCE_FIELDS))),
  }));
  return json;
}

describe('deprecated city spellings', () => {
  it('reads an old city file as the current one, one warning per old name', () => {
    const current = city();
    const warnings: string[] = [];
    const loaded = loadCity(withOldSpellings(current), (m) => warnings.push(m));
    expect(loaded).toEqual(JSON.parse(formatCityJson(current)));
    expect(
      warnings.some((w) =>
        /feeders\[0\]\.resources\[\d+\]\.costPerKwh: "costPerKwh" is deprecated, use "costPerKWh" \(8 places/.test(w),
      ),
    ).toBe(true);
    expect(warnings.some((w) => w.includes('"capacityKw" is deprecated, use "capacityKW"'))).toBe(true);
    expect(new Set(warnings.map((w) => /"(\w+)" is deprecated/.exec(w)![1])).size).toBe(warnings.length);
  });

  it('reads the current spelling without warnings', () => {
    const warnings: string[] = [];
    loadCity(JSON.parse(formatCityJson(city())), (m) => warnings.push(m));
    expect(warnings).toEqual([]);
  });

  it('refuses a field given under both names rather than dropping one', () => {
    const json = JSON.parse(formatCityJson(city())) as { feeders: { resources: Record<string, unknown>[] }[] };
    json.feeders[0].resources[0].costPerKwh = 9;
    try {
      loadCity(json);
      throw new Error('accepted');
    } catch (err) {
      expect(isUrbanflowError(err) && err.code).toBe('UF_ERR_CITY_INVALID');
      expect((err as Error).message).toContain(
        'feeders[0].resources[0].costPerKwh: is not a known field; did you mean costPerKWh?',
      );
    }
  });
});

describe('urbanflow city validate', () => {
  it('accepts an old city file and warns on stderr for each deprecated name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'uf-spell-'));
    try {
      const file = join(dir, 'old-city.json');
      writeFileSync(file, JSON.stringify(withOldSpellings(city())));
      const cli = new URL('../../bin/urbanflow.js', import.meta.url).pathname;
      const run = spawnSync(process.execPath, [cli, 'city', 'validate', file], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^OK /);
      expect(run.stderr).toContain('"shedKw" is deprecated, use "shedKW"');
      expect(run.stderr).toContain('"maxDurationMin" is deprecated, use "maxDurationMinutes"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
