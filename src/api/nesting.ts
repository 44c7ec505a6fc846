// Nesting depth of decoded bodies: refused before any recursive code (schema checks, MessagePack encoding) sees them.

/**
 * Arrays and objects nested deeper than this are refused. No request of the API nests beyond a dozen levels; the
 * bound keeps every accepted body well inside the MessagePack encoder's depth (100) and the stack of recursive
 * schema checks.
 */
export const MAX_BODY_DEPTH = 64;

/** Why a body nested deeper than MAX_BODY_DEPTH is refused, the same on every route. */
export const TOO_DEEP = `nested more than ${MAX_BODY_DEPTH} levels deep; no request of this API nests that deep`;

function isContainer(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !ArrayBuffer.isView(v);
}

/**
 * The JSON pointer (`/0/value/3`) of the first array or object nested deeper than `max` levels (the body itself is
 * level 1), or undefined. Iterative, so any depth JSON.parse builds is measured without recursion.
 */
export function tooDeepAt(value: unknown, max = MAX_BODY_DEPTH): string | undefined {
  if (!isContainer(value)) return undefined;
  // Most bodies are shallow: one pass without paths, and a second one building the path only when needed.
  if (!exceeds(value, max)) return undefined;
  const stack: [unknown, number, string][] = [[value, 1, '']];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (depth > max) return path;
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [String(i), x])
      : Object.entries(v as object);
    for (const [key, child] of entries)
      if (isContainer(child)) stack.push([child, depth + 1, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
  }
  return undefined;
}

function exceeds(value: object, max: number): boolean {
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop()!;
    const depth = depths.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const child of children) {
      if (isContainer(child)) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
