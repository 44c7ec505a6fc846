// The city file's schema violations, in the one message format of the API and the CLI (src/validation).
import { fieldErrors, type FieldError as LocatedFieldError } from '../validation/index.js';
import { City } from './schema.js';

/** A problem in a city file at its dotted path, e.g. `intersections[3].approaches[0].laneGroups[1].lanes`. */
export type FieldError = Pick<LocatedFieldError, 'path' | 'message'>;

/** Every schema violation in a parsed city file (all of them: the file's author fixes them in one pass), or an empty list. */
export function schemaErrors(value: unknown): FieldError[] {
  return fieldErrors(City, value, Infinity).map(({ path, message }) => ({ path, message }));
}
