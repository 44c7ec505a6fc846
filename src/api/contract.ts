// The schema contract: TypeBox validation of requests (coercing only query and path strings) and of every response.
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { fieldErrors } from '../validation/index.js';
import { fieldPath, HttpProblem } from './problem.js';

const MAX_ERRORS = 20;

function errorsOf(check: TypeCheck<TSchema>, value: unknown): { instancePath: string; message: string }[] {
  const out: { instancePath: string; message: string }[] = [];
  for (const e of check.Errors(value)) {
    out.push({ instancePath: e.path, message: e.message });
    if (out.length >= MAX_ERRORS) break;
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
      // No body reads as an empty object, so the errors name the missing fields.
      const body = Value.Default(schema, value === undefined || value === null ? {} : value);
      if (check.Check(body)) return { value: body };
      // Errors at the field the sender meant: union variants chosen by their literal, misspellings named.
      return { error: fieldErrors(schema, body, MAX_ERRORS).map((e) => ({ instancePath: e.pointer, message: e.message })) as never };
    };
  }
  return (value: unknown) => {
    // Most requests already fit (no query, or values that need no conversion): skip the costly convert-and-default.
    // Defaults are therefore declared on required properties, so a value missing one never passes this check.
    if (check.Check(value)) return { value };
    const converted = Value.Default(schema, Value.Convert(schema, value));
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
      if (/^[23]/.test(status) && schema && typeof schema === 'object' && !('content' in schema)) checks.set(status, TypeCompiler.Compile(schema));
    }
    route.config = { ...route.config, responseChecks: checks } as typeof route.config;
  });
  app.addHook('preSerialization', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('application/json')) return payload;
    const checks = (request.routeOptions.config as { responseChecks?: ResponseChecks }).responseChecks;
    if (!checks) return payload;
    const status = reply.statusCode;
    const check = checks.get(String(status)) ?? checks.get(`${String(status)[0]}xx`) ?? checks.get('default');
    if (!check || check.Check(payload)) return payload;
    const errors = errorsOf(check, payload).map((e) => ({ path: fieldPath('response', e.instancePath), message: e.message }));
    request.log.error({ errors, route: request.routeOptions.url, status, reqId: request.id }, 'response does not match its schema');
    throw new HttpProblem('internal', `the answer did not match the API contract (a server bug); quote request id ${request.id} when reporting it`);
  });
}
