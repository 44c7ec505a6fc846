// Loads a city file: parse, validate against the schema, then check cross-references; one typed error naming every bad field.
import { UrbanflowError } from '../errors.js';
import { crossReferenceErrors } from './crossref.js';
import type { City } from './schema.js';
import { schemaErrors, type FieldError } from './schema-errors.js';

const MAX_LISTED = 200;

function invalid(errors: FieldError[]): UrbanflowError {
  const lines = errors.slice(0, MAX_LISTED).map((e) => `  ${e.path}: ${e.message}`);
  if (errors.length > MAX_LISTED) lines.push(`  ... and ${errors.length - MAX_LISTED} more`);
  const noun = errors.length === 1 ? 'error' : 'errors';
  return new UrbanflowError('UF_ERR_CITY_INVALID', `city file is invalid (${errors.length} ${noun}):\n${lines.join('\n')}`, { errors });
}

/** Every problem in a parsed city file (schema first; cross-references only once the shape is right). */
export function cityErrors(value: unknown): FieldError[] {
  const errors = schemaErrors(value);
  return errors.length > 0 ? errors : crossReferenceErrors(value as City);
}

/** Validates a city given as parsed JSON or as JSON text; throws `UF_ERR_CITY_INVALID` listing every bad field. */
export function loadCity(json: unknown): City {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw invalid([{ path: '(root)', message: `is not valid JSON: ${(err as Error).message}` }]);
    }
  }
  const errors = cityErrors(value);
  if (errors.length > 0) throw invalid(errors);
  return value as City;
}
