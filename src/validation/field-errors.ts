// TypeBox validation errors as `field.path[3].name: what is wrong` lines a user can act on: unions resolved to the
// variant the value meant, unknown fields named with the closest known name.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { closestName } from './closest-name.js';

export interface FieldError {
  /** Dotted path, e.g. `resources[3].maxKW`; `(root)` for the value itself. */
  path: string;
  /** The same place as a JSON pointer, e.g. `/resources/3/maxKW`. */
  pointer: string;
  message: string;
}

type Schema = Record<string, unknown>;

const checks = new WeakMap<object, TypeCheck<TSchema>>();

function compiled(schema: TSchema): TypeCheck<TSchema> {
  let c = checks.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    checks.set(schema, c);
  }
  return c;
}

/** `/a/3/b` (JSON pointer) to `a[3].b`. */
export function pointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^[0-9]+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out === '' ? '(root)' : out;
}

/** A value as the user wrote it (JSON), or as JavaScript shows it when JSON has no form for it (undefined). */
function shown(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** A lower bound on a count of `unit` (items, characters); a bound of one means the value must not be empty. */
function atLeast(count: unknown, unit: string): string {
  return count === 1 ? 'must not be empty' : `must have at least ${count} ${unit}`;
}

/** An upper bound on a count of `unit` (items, characters). */
function atMost(count: unknown, unit: string): string {
  return `must have at most ${count} ${unit}`;
}

/** What is wrong, for the errors whose message does not depend on the value or the schema's bounds. */
const FIXED_MESSAGES: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.String]: 'must be a string',
  [ValueErrorType.Boolean]: 'must be true or false',
  [ValueErrorType.Array]: 'must be an array',
  [ValueErrorType.Object]: 'must be an object',
  [ValueErrorType.ArrayUniqueItems]: 'must not repeat an item',
  [ValueErrorType.ObjectRequiredProperty]: 'is required',
};

function describe(error: ValueError): string {
  const s = error.schema as Schema;
  // A schema may say in words what its pattern or format means (`errorMessage`, as the API contract reads it too).
  if (typeof s.errorMessage === 'string') return s.errorMessage;
  const fixed = FIXED_MESSAGES[error.type];
  if (fixed !== undefined) return fixed;
  switch (error.type) {
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be >= ${s.minimum}, got ${error.value}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be <= ${s.maximum}, got ${error.value}`;
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return `must be > ${s.exclusiveMinimum}, got ${error.value}`;
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerExclusiveMaximum:
      return `must be < ${s.exclusiveMaximum}, got ${error.value}`;
    case ValueErrorType.Number:
      return `must be a finite number, got ${shown(error.value)}`;
    case ValueErrorType.Integer:
      return `must be an integer, got ${shown(error.value)}`;
    case ValueErrorType.ArrayMinItems:
      return atLeast(s.minItems, 'items');
    case ValueErrorType.ArrayMaxItems:
      return atMost(s.maxItems, 'items');
    case ValueErrorType.StringMinLength:
      return atLeast(s.minLength, 'characters');
    case ValueErrorType.StringMaxLength:
      return atMost(s.maxLength, 'characters');
    case ValueErrorType.StringPattern:
      return `must match ${s.pattern}${typeof s.description === 'string' ? ` (${s.description})` : ''}`;
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(s.const)}`;
    default:
      return error.message;
  }
}

function unknownField(error: ValueError): string {
  const key = error.path.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~');
  const known = Object.keys(((error.schema as Schema).properties as Schema | undefined) ?? {});
  const near = closestName(key, known);
  return near ? `is not a known field; did you mean ${near}?` : `is not a known field (known: ${known.join(', ')})`;
}

function jsType(v: unknown): string {
  return v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : typeof v;
}

function accepts(schema: Schema, type: string): boolean {
  if (schema.anyOf) return (schema.anyOf as Schema[]).some((s) => accepts(s, type));
  if (schema.const !== undefined)
    return jsType(schema.const) === type || (type === 'integer' && typeof schema.const === 'number');
  return schema.type === type || (schema.type === 'number' && type === 'integer');
}

/** Property names whose value is a literal (`kind: 'battery'`): what tells a union's object variants apart. */
function discriminators(variant: Schema): [string, unknown][] {
  const props = (variant.properties as Record<string, Schema> | undefined) ?? {};
  return Object.entries(props)
    .filter(([, p]) => p.const !== undefined)
    .map(([k, p]) => [k, p.const]);
}

/**
 * The variant of a union a value was meant for: by literal property (`kind`), else by JSON type and, among object
 * variants, the one whose fields the value uses most. A literal that matches no variant is itself the error.
 */
function chooseVariant(
  union: Schema,
  value: unknown,
  pointer: string,
): { variant: Schema } | { error: FieldError } | undefined {
  const variants = union.anyOf as Schema[];
  if (variants.every((v) => v.const !== undefined)) {
    return {
      error: {
        pointer,
        path: pointerToPath(pointer),
        message: `must be one of ${variants.map((v) => JSON.stringify(v.const)).join(', ')}, got ${JSON.stringify(value)}`,
      },
    };
  }
  const type = jsType(value);
  const candidates = variants.filter((v) => accepts(v, type));
  if (candidates.length === 0) {
    const types = [...new Set(variants.map((v) => String(v.type ?? jsType(v.const))))];
    return { error: { pointer, path: pointerToPath(pointer), message: `must be ${types.join(' or ')}, got ${type}` } };
  }
  if (type !== 'object' || candidates.length === 1) return { variant: candidates[0] };
  const o = value as Record<string, unknown>;
  for (const [key] of discriminators(candidates[0])) {
    if (!(key in o)) continue;
    const match = candidates.find((v) => discriminators(v).some(([k, c]) => k === key && c === o[key]));
    if (match) return { variant: match };
    const allowed = candidates.flatMap((v) =>
      discriminators(v)
        .filter(([k]) => k === key)
        .map(([, c]) => JSON.stringify(c)),
    );
    const at = `${pointer}/${key}`;
    return {
      error: {
        pointer: at,
        path: pointerToPath(at),
        message: `must be one of ${allowed.join(', ')}, got ${JSON.stringify(o[key])}`,
      },
    };
  }
  const keys = Object.keys(o);
  const score = (v: Schema) => {
    const props = Object.keys((v.properties as Schema | undefined) ?? {});
    const missing = ((v.required as string[] | undefined) ?? []).filter((k) => !(k in o)).length;
    return keys.filter((k) => props.includes(k)).length * 100 - missing;
  };
  const best = candidates.reduce((a, b) => (score(b) > score(a) ? b : a));
  const [tag] = discriminators(candidates[0]);
  if (score(best) < 100 && tag) {
    // Nothing in the value points to a variant: the field that would have chosen one is what is missing.
    const allowed = candidates.flatMap((v) =>
      discriminators(v)
        .filter(([k]) => k === tag[0])
        .map(([, c]) => JSON.stringify(c)),
    );
    const at = `${pointer}/${tag[0]}`;
    return { error: { pointer: at, path: pointerToPath(at), message: `is required: one of ${allowed.join(', ')}` } };
  }
  return { variant: best };
}

function collect(check: TypeCheck<TSchema>, value: unknown, prefix: string, out: FieldError[], limit: number): void {
  const errors = [...check.Errors(value)];
  const missing = new Set(errors.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path));
  for (const e of errors) {
    if (out.length >= limit) return;
    // A missing field also fails its type check; report it once, as missing.
    if (missing.has(e.path) && e.type !== ValueErrorType.ObjectRequiredProperty) continue;
    const pointer = prefix + e.path;
    if (e.type === ValueErrorType.Union) {
      const choice = chooseVariant(e.schema as Schema, e.value, pointer);
      if (choice && 'error' in choice) out.push(choice.error);
      else if (choice) collect(compiled(choice.variant as TSchema), e.value, pointer, out, limit);
      continue;
    }
    const message = e.type === ValueErrorType.ObjectAdditionalProperties ? unknownField(e) : describe(e);
    out.push({ pointer, path: pointerToPath(pointer), message });
  }
}

/** Every schema violation of `value` (at most `limit`), each at its field; an empty list when the value fits. */
export function fieldErrors(schema: TSchema, value: unknown, limit = 20): FieldError[] {
  const check = compiled(schema);
  if (check.Check(value)) return [];
  const out: FieldError[] = [];
  collect(check, value, '', out, limit);
  const seen = new Set<string>();
  return out.filter((e) => {
    const key = `${e.pointer}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
