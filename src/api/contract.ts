// The schema contract: TypeBox validation of requests (coercing only query and path strings) and of every response.
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { errors } from './schemas/common.js';
import type { FastifyInstance, FastifySchemaCompiler, preValidationHookHandler } from 'fastify';
import { fieldErrors } from '../validation/index.js';
import { TOO_DEEP, tooDeepAt } from './nesting.js';
import { fieldPath, HttpProblem } from './problem.js';

const MAX_ERRORS = 20;

function errorsOf(check: TypeCheck<TSchema>, value: unknown): { instancePath: string; message: string }[] {
  const out: { instancePath: string; message: string }[] = [];
  for (const e of check.Errors(value)) {
    // A schema may say in words what it wants (a pattern or a union reads badly as TypeBox's message).
    out.push({ instancePath: e.path, message: (e.schema as { errorMessage?: string }).errorMessage ?? e.message });
    if (out.length >= MAX_ERRORS) break;
  }
  return out;
}

const NUMBER_TEXT = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

/**
 * Query and path values arrive as text: a property typed number, integer or boolean takes the value the text spells
 * (`12`, `1.5e3`, `true`), nothing looser (TypeBox's own conversion reads `true` as 1 and `` as 0). Anything else
 * stays text, so the check names it.
 */
function convertText(schema: TSchema, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !schema.properties) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, text] of Object.entries(out)) {
    const type = (schema.properties as Record<string, TSchema>)[name]?.type;
    if (typeof text !== 'string') continue;
    if ((type === 'number' || type === 'integer') && NUMBER_TEXT.test(text)) out[name] = Number(text);
    else if (type === 'boolean' && (text === 'true' || text === 'false')) out[name] = text === 'true';
  }
  return out;
}

/** Bodies are checked as sent (no type coercion); query strings and path parameters are converted, defaults filled. */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  if (httpPart === 'body') {
    return (value: unknown) => {
      // A raw MessagePack body is decoded (and validated per reading) by the stream engine.
      if (value instanceof Uint8Array) return { value };
      // Before any recursive check: a body nested thousands of levels deep would overflow the stack.
      const deep = tooDeepAt(value);
      if (deep !== undefined) return { error: [{ instancePath: deep, message: TOO_DEEP }] as never };
      // Fastify passes an absent body as null, like a JSON `null` (readAbsentBodies turned absent object bodies into {}).
      if (value === null && schema.type !== 'object')
        return {
          error: [
            {
              instancePath: '',
              message: 'the request has no body (or a null one); send one as the OpenAPI document says',
            },
          ] as never,
        };
      const body = Value.Default(schema, value);
      if (check.Check(body)) return { value: body };
      // Errors at the field the sender meant: union variants chosen by their literal, misspellings named.
      return {
        error: fieldErrors(schema, body, MAX_ERRORS).map((e) => ({
          instancePath: e.pointer,
          message: e.message,
        })) as never,
      };
    };
  }
  return (value: unknown) => {
    // Most requests already fit (no query, or values that need no conversion): skip the costly convert-and-default.
    // Defaults are therefore declared on required properties, so a value missing one never passes this check.
    if (check.Check(value)) return { value };
    const converted = Value.Default(schema, convertText(schema, value));
    return check.Check(converted) ? { value: converted } : { error: errorsOf(check, converted) as never };
  };
};

type ResponseChecks = Map<string, TypeCheck<TSchema>>;

/**
 * Checks every JSON answer against the route's response schema for its status before it is serialized; a mismatch
 * is a server bug, answered as a 500 and logged, never sent as if it were the contract.
 */
export function installResponseValidation(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const response = (route.schema as { response?: Record<string, TSchema> } | undefined)?.response;
    if (!response) return;
    const checks: ResponseChecks = new Map();
    for (const [status, schema] of Object.entries(response)) {
      // Error answers are problem documents built by one function; only success bodies vary by route.
      if (!/^[23]/.test(status) || !schema || typeof schema !== 'object') continue;
      // A response given per media type is checked in its JSON form.
      const json =
        'content' in schema
          ? (schema.content as Record<string, { schema?: TSchema }>)['application/json']?.schema
          : schema;
      if (json) checks.set(status, TypeCompiler.Compile(json));
    }
    route.config = { ...route.config, responseChecks: checks } as typeof route.config;
  });
  app.addHook('preSerialization', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    // JSON-LD (the NGSI-LD routes) is JSON with a context: checked against the same schema.
    if (!type.startsWith('application/json') && !type.startsWith('application/ld+json')) return payload;
    const checks = (request.routeOptions.config as { responseChecks?: ResponseChecks }).responseChecks;
    if (!checks) return payload;
    const status = reply.statusCode;
    const check = checks.get(String(status)) ?? checks.get(`${String(status)[0]}xx`) ?? checks.get('default');
    if (!check || check.Check(payload)) return payload;
    const errors = errorsOf(check, payload).map((e) => ({
      path: fieldPath('response', e.instancePath),
      message: e.message,
    }));
    request.log.error(
      { errors, route: request.routeOptions.url, status, reqId: request.id },
      'response does not match its schema',
    );
    throw new HttpProblem(
      'internal',
      `the answer did not match the API contract (a server bug); quote request id ${request.id} when reporting it`,
    );
  });
}

/**
 * Adds to each route's documented answers the errors the framework around it gives, whatever the route: 400 for
 * bad parameters or bodies, 413 and 415 for bodies, 414 for an over-long path segment, 401 and 403 for a guarded
 * route, 429 from the rate limit and 503 while the server shuts down. A route's own entries win.
 */
export function documentFrameworkErrors(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as
      (Record<string, unknown> & { response?: Record<string, unknown>; hide?: boolean }) | undefined;
    if (!schema || schema.hide) return;
    const guarded = !('public' in ((route.config as { access?: object } | undefined)?.access ?? { public: true }));
    const codes = [429, 503];
    if (schema.querystring || schema.params || schema.body || schema.headers) codes.push(400);
    if (schema.params) codes.push(414);
    if (schema.body) codes.push(413, 415);
    if (guarded) codes.push(401, 403);
    route.schema = { ...schema, response: { ...errors(...codes), ...schema.response } };
  });
}

/**
 * A request without a body, on a route whose body is an object, reads as `{}`: the errors then name the missing
 * fields, and a body of optional fields (POST /v1/tokens) may be left out. An explicit JSON `null` stays refused.
 */
export function readAbsentBodies(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const body = (route.schema as { body?: { type?: string } } | undefined)?.body;
    if (body?.type !== 'object') return;
    const existing =
      route.preValidation === undefined
        ? []
        : Array.isArray(route.preValidation)
          ? route.preValidation
          : [route.preValidation];
    const absentAsEmpty: preValidationHookHandler = (request, _reply, done) => {
      if (request.body === undefined) request.body = {};
      done();
    };
    route.preValidation = [absentAsEmpty, ...existing];
  });
}
