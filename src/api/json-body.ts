// JSON request bodies: parsed once, with an error that says what is wrong (the parser's message with its position,
// or the `__proto__` / `constructor` key refused because it could poison object prototypes downstream).
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from './problem.js';

export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor'];

/** Whether a JSON text may hold a forbidden key (spelled out, or hidden behind a \u escape). */
export function mayHoldForbiddenKey(text: string | Buffer): boolean {
  return text.includes('__proto__') || text.includes('constructor') || text.includes('\\u');
}

/** The problem refusing a forbidden key at `path`. */
export function forbiddenKeyProblem(path: string): HttpProblem {
  const key = path.slice(path.lastIndexOf('.') + 1);
  return new HttpProblem(
    'bad-request',
    `the key "${key}" at ${path} is refused: it could alter object prototypes; no field of this API has that name`,
    { errors: [{ path, message: `key "${key}" is not allowed` }] },
  );
}

/** The path of the first forbidden key in a parsed document (iterative: bodies may nest deeply), or undefined. */
export function forbiddenKeyPath(root: unknown, rootPath = 'body'): string | undefined {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}[${i}]`]);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.includes(key)) return `${path}.${key}`;
      stack.push([(value as Record<string, unknown>)[key], `${path}.${key}`]);
    }
  }
  return undefined;
}

/** A JSON request body as a value, or the problem refusing it (empty, broken JSON, a forbidden key). */
function parseJsonText(body: string): unknown {
  if (body.length === 0)
    throw new HttpProblem('bad-request', 'the body is empty but Content-Type says JSON; send a JSON document');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new HttpProblem('bad-request', `the body is not valid JSON: ${(err as SyntaxError).message}`);
  }
  // Only a body that spells one of the keys (or escapes characters) needs the walk.
  const path = mayHoldForbiddenKey(body) ? forbiddenKeyPath(value) : undefined;
  if (path !== undefined) throw forbiddenKeyProblem(path);
  return value;
}

/** Parses bodies of these media types (JSON, or a JSON-based type such as application/ld+json) with parseJsonText. */
export function addJsonParser(app: FastifyInstance, types: string | string[]): void {
  app.addContentTypeParser(types, { parseAs: 'string' }, (_request, text, done) => {
    let value: unknown;
    try {
      value = parseJsonText(text as string);
    } catch (err) {
      done(err as HttpProblem, undefined);
      return;
    }
    done(null, value);
  });
}

export function installJsonBodyParser(app: FastifyInstance): void {
  // Replaces Fastify's default JSON parser, which answers every refusal with the same "not valid JSON".
  app.removeContentTypeParser('application/json');
  addJsonParser(app, 'application/json');
}
