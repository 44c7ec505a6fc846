// The city a server started with these settings runs: the city file (or the shipped sample city), unless the API
// keeps an edited copy of it in the state directory. `run` serves it; `keys create` checks contractor scopes on it.
import type { City } from '../city/index.js';
import { configError } from '../errors.js';
import { readTextFile } from '../io/read-text-file.js';

export interface ServedCity {
  city: City;
  /** Where it came from, for messages: the file, the sample city or the managed copy. */
  origin: string;
  /** True when the API-managed copy in the state directory won over the file. */
  managed: boolean;
}

export async function loadServedCity(cityFile: string | undefined, stateDir: string): Promise<ServedCity> {
  const { loadCity, loadSampleCity } = await import('../city/index.js');
  const { loadManagedCity } = await import('../api/city-model.js');
  // Deprecated spellings in a city file are accepted and named, so the file can be brought up to date.
  const deprecated = (file: string) => (message: string) =>
    process.stderr.write(`urbanflow: warning: ${file}: ${message}\n`);
  let base: City;
  if (cityFile) {
    let text: string;
    try {
      text = readTextFile(cityFile);
    } catch (err) {
      throw configError(`cannot read the city file ${cityFile}: ${(err as Error).message}`);
    }
    base = loadCity(text, deprecated(cityFile));
  } else {
    base = loadSampleCity();
  }
  // Edits made through the API are kept in the state directory and win over the file the city came from.
  const managed = loadManagedCity(stateDir, base.id, deprecated(`the managed copy of city ${base.id}`));
  if (managed)
    return { city: managed, origin: `the API-managed copy of city ${base.id} in ${stateDir}`, managed: true };
  return { city: base, origin: cityFile ? `the city file ${cityFile}` : 'the shipped sample city', managed: false };
}
