// Turns TypeBox validation errors into `field.path[3].name: what is wrong` lines a user can act on.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { closestName, pointerToPath } from '../validation/index.js';
import { City, DR_RESOURCE_SCHEMAS } from './schema.js';

export interface FieldError {
  /** JSON path in dotted form, e.g. `intersections[3].approaches[0].laneGroups[1].lanes`. */
  path: string;
  message: string;
}

const cityCheck = TypeCompiler.Compile(City);
const resourceChecks: Record<string, TypeCheck<TSchema>> = Object.fromEntries(
  Object.entries(DR_RESOURCE_SCHEMAS).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);

const PATTERN_NAMES: Record<string, string> = {
  '^[A-Za-z0-9][A-Za-z0-9._:-]*$': 'an id of letters, digits and . _ : - (starting with a letter or digit)',
  '^([01][0-9]|2[0-3]):[0-5][0-9]$': 'a local time HH:MM',
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$': 'a date YYYY-MM-DD',
};

function describe(error: ValueError): string {
  const s = error.schema as Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be >= ${s.minimum}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be <= ${s.maximum}`;
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return `must be > ${s.exclusiveMinimum}`;
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerExclusiveMaximum:
      return `must be < ${s.exclusiveMaximum}`;
    case ValueErrorType.Number:
      return 'must be a number';
    case ValueErrorType.Integer:
      return 'must be an integer';
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.Boolean:
      return 'must be true or false';
    case ValueErrorType.Array:
      return 'must be an array';
    case ValueErrorType.Object:
      return 'must be an object';
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${s.minItems} item(s)`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${s.maxItems} item(s)`;
    case ValueErrorType.ArrayUniqueItems:
      return 'must not repeat an item';
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? 'must not be empty' : `must have at least ${s.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must have at most ${s.maxLength} characters`;
    case ValueErrorType.StringPattern:
      return `must be ${PATTERN_NAMES[String(s.pattern)] ?? `a string matching ${s.pattern}`}`;
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties: {
      const near = closestName(error.path.split('/').pop() ?? '', Object.keys((s.properties as Record<string, unknown> | undefined) ?? {}));
      return near ? `is not a known field; did you mean ${near}?` : 'is not a known field (check its spelling)';
    }
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(s.const)}`;
    case ValueErrorType.Union: {
      const options = (s.anyOf as Record<string, unknown>[] | undefined) ?? [];
      if (options.every((o) => 'const' in o)) return `must be one of ${options.map((o) => JSON.stringify(o.const)).join(', ')}`;
      return error.message;
    }
    default:
      return error.message;
  }
}

function collect(check: TypeCheck<TSchema>, value: unknown, prefix: string, out: FieldError[]): void {
  const required = new Set<string>();
  const raw = [...check.Errors(value)];
  for (const e of raw) if (e.type === ValueErrorType.ObjectRequiredProperty) required.add(e.path);
  for (const e of raw) {
    // A missing field also fails its type check; report it once, as missing.
    if (required.has(e.path) && e.type !== ValueErrorType.ObjectRequiredProperty) continue;
    const pointer = prefix + e.path;
    // DR resources are a union discriminated by `type`: validate against the named kind to name the real field.
    if (e.type === ValueErrorType.Union && /\/resources\/[0-9]+$/.test(e.path)) {
      const type = (e.value as { type?: unknown } | null)?.type;
      const kindCheck = typeof type === 'string' ? resourceChecks[type] : undefined;
      if (kindCheck) collect(kindCheck, e.value, pointer, out);
      else out.push({ path: `${pointerToPath(pointer)}.type`, message: `must be one of ${Object.keys(resourceChecks).map((k) => JSON.stringify(k)).join(', ')}` });
      continue;
    }
    out.push({ path: pointerToPath(pointer), message: describe(e) });
  }
}

/** Every schema violation in a parsed city file, or an empty list. */
export function schemaErrors(value: unknown): FieldError[] {
  if (cityCheck.Check(value)) return [];
  const out: FieldError[] = [];
  collect(cityCheck, value, '', out);
  const seen = new Set<string>();
  return out.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
