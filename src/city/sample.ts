// The shipped sample city (src/city/sample-city.json, made by `urbanflow city generate`), found from the compiled or source tree.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadCity } from './load.js';
import type { City } from './schema.js';

function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
  return dir;
}

export const SAMPLE_CITY_PATH = join(
  findPackageRoot(dirname(fileURLToPath(import.meta.url))),
  'src',
  'city',
  'sample-city.json',
);

/** Reads and validates the sample city. */
export function loadSampleCity(): City {
  return loadCity(readFileSync(SAMPLE_CITY_PATH, 'utf8'));
}
