// Loads a city file: parse, validate against the schema, then check cross-references; one typed error naming every bad field.
import { UrbanflowError } from '../errors.js';
import { crossReferenceErrors } from './crossref.js';
import type { City } from './schema.js';
import { schemaErrors, type FieldError } from './schema-errors.js';
import { currentCitySpelling } from './spellings.js';

const MAX_LISTED = 200;

function invalid(errors: FieldError[]): UrbanflowError {
  const lines = errors.slice(0, MAX_LISTED).map((e) => `  ${e.path}: ${e.message}`);
  if (errors.length > MAX_LISTED) lines.push(`  ... and ${errors.length - MAX_LISTED} more`);
  const noun = errors.length === 1 ? 'error' : 'errors';
  return new UrbanflowError(
    'UF_ERR_CITY_INVALID',
    `city file is invalid (${errors.length} ${noun}):\n${lines.join('\n')}`,
    { errors },
  );
}

/** Every problem in a parsed city file: schema violations, then cross-reference problems of the fields that are well-formed. */
export function cityErrors(value: unknown): FieldError[] {
  const errors = schemaErrors(value);
  if (errors.length === 0) return crossReferenceErrors(value as City);
  let crossErrors: FieldError[];
  try {
    crossErrors = crossReferenceErrors(value as City);
  } catch {
    // The shape is too broken to follow references; the schema errors say what to fix first.
    return errors;
  }
  const bad = errors.map((e) => e.path);
  const related = (path: string): boolean =>
    bad.some(
      (b) =>
        b === '(root)' ||
        path === b ||
        path.startsWith(`${b}.`) ||
        path.startsWith(`${b}[`) ||
        b.startsWith(`${path}.`) ||
        b.startsWith(`${path}[`),
    );
  return [...errors, ...crossErrors.filter((e) => !related(e.path))];
}

/**
 * Validates a city given as parsed JSON or as JSON text; throws `UF_ERR_CITY_INVALID` listing every bad field.
 * Deprecated field spellings are read as the current ones and each reported once through `warn`.
 */
export function loadCity(json: unknown, warn?: (message: string) => void): City {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw invalid([{ path: '(root)', message: `is not valid JSON: ${(err as Error).message}` }]);
    }
  }
  const current = currentCitySpelling(value);
  const errors = cityErrors(current.value);
  if (errors.length > 0) throw invalid(errors);
  if (warn) for (const d of current.deprecations) warn(d);
  return current.value as City;
}
