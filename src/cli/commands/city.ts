// `urbanflow city validate|generate`: check a city file and name every bad field, or write a generated city.
// The generator's module, not the folder's index: the index brings the city schemas and the holiday calendars
// (about 350 ms of loading) that `urbanflow --help` must not pay for a table of defaults.
import { GENERATE_DEFAULTS } from '../../city/generate.js';
import { inputError } from '../../errors.js';
import { readTextFile } from '../../io/read-text-file.js';
import type { RegisterCommand } from './index.js';

function readText(file: string): string {
  try {
    return readTextFile(file);
  } catch (err) {
    throw inputError(`cannot read city file ${file}: ${(err as Error).message}`, { file });
  }
}

function count(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw inputError(`${flag} must be an integer >= ${min} (got "${value}")`, { flag });
  return n;
}

export const registerCityCommand: RegisterCommand = (program) => {
  const city = program.command('city').description('City files: validate one, or generate a realistic one');
  city
    .command('validate')
    .description('Validate a city file; prints OK with counts, or every bad field by path (exit 2)')
    .argument('<file>', 'city JSON file')
    .action(async (file: string) => {
      const { loadCity, sensorCounts, sensorIndex } = await import('../../city/index.js');
      const c = loadCity(readText(file), (message) => process.stderr.write(`warning: ${file}: ${message}\n`));
      const sensors = sensorCounts(sensorIndex(c));
      const resources = c.feeders.reduce((s, f) => s + f.resources.length, 0);
      const w = c.waste;
      process.stdout.write(
        `OK ${c.id} (${c.name}): ${c.intersections.length} intersections with ${sensors.detector} detectors, ${c.corridors.length} corridors, ` +
          `${c.feeders.length} feeders with ${resources} DR resources, ${w.bins.length} bins, ${w.depots.length} depots, ` +
          `${w.trucks.length} trucks, ${w.disposalSites.length} disposal sites, ${c.weatherStations.length} weather stations\n`,
      );
    });
  city
    .command('generate')
    .description('Write a generated city (deterministic for the seed) to stdout')
    .option('--seed <n>', 'random seed', '1')
    .option('--intersections <n>', 'signalized intersections', String(GENERATE_DEFAULTS.intersections))
    .option('--feeders <n>', 'electricity feeders', String(GENERATE_DEFAULTS.feeders))
    .option('--resources-per-feeder <n>', 'DR resources per feeder', String(GENERATE_DEFAULTS.resourcesPerFeeder))
    .option('--bins <n>', 'waste bins', String(GENERATE_DEFAULTS.bins))
    .option('--depots <n>', 'waste depots', String(GENERATE_DEFAULTS.depots))
    .action(
      async (opts: {
        seed: string;
        intersections: string;
        feeders: string;
        resourcesPerFeeder: string;
        bins: string;
        depots: string;
      }) => {
        const { formatCityJson, generateCity, loadCity } = await import('../../city/index.js');
        const generated = generateCity({
          seed: count(opts.seed, '--seed', 0),
          intersections: count(opts.intersections, '--intersections', 0),
          feeders: count(opts.feeders, '--feeders', 0),
          resourcesPerFeeder: count(opts.resourcesPerFeeder, '--resources-per-feeder', 0),
          bins: count(opts.bins, '--bins', 0),
          depots: count(opts.depots, '--depots', 1),
        });
        process.stdout.write(formatCityJson(loadCity(generated)));
      },
    );
};
