// The OpenAPI 3.1 document, generated from the route schemas, with the rules that make it say what the server does.
import type { SwaggerOptions } from '@fastify/swagger';
import { FORBIDDEN_KEYS } from './json-body.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A copy of a request schema in which no property with a default is required: the server fills the default in
 * (contract.ts validates after defaulting), so a client may leave it out. TypeBox schemas keep such properties
 * required because a value that passes the check must carry them.
 */
export function withDefaultsOptional(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withDefaultsOptional);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) out[k] = withDefaultsOptional(v);
  const props = out.properties;
  if (Array.isArray(out.required) && isObject(props)) {
    const required = (out.required as string[]).filter((name) => !(isObject(props[name]) && 'default' in props[name]));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

/**
 * A copy of a request body schema whose open objects (extra properties allowed) say that no property may be named
 * `__proto__` or `constructor`: the JSON parser refuses such bodies (prototype poisoning), whatever the schema.
 */
export function withoutProtoKeys(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutProtoKeys);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) out[k] = withoutProtoKeys(v);
  if (out.type === 'object' && out.additionalProperties !== false)
    out.propertyNames = { not: { enum: [...FORBIDDEN_KEYS] } };
  return out;
}

/** Each operation's request body is optional when its JSON schema requires nothing (an absent body reads as `{}`). */
function markOptionalBodies(doc: Json): void {
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Json>)) {
    for (const op of Object.values(item)) {
      const body = isObject(op) ? (op.requestBody as Json | undefined) : undefined;
      const schema = (body?.content as Record<string, Json> | undefined)?.['application/json']?.schema as
        Json | undefined;
      if (body && schema && schema.type === 'object' && !Array.isArray(schema.required)) body.required = false;
    }
  }
}

export function openapiOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'urbanflow API',
        version: '1',
        description:
          'Smart-city telemetry, window aggregates, city model and dispatch, route and signal plans. Errors are application/problem+json (RFC 9457).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API key (ufk_...) or access token (uft....)' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
    transform: ({ schema, url }) => {
      if (!schema) return { schema, url };
      const s = schema as Json;
      return {
        schema: {
          ...s,
          ...(s.querystring ? { querystring: withDefaultsOptional(s.querystring) } : {}),
          ...(s.body ? { body: withoutProtoKeys(withDefaultsOptional(s.body)) } : {}),
        } as typeof schema,
        url,
      };
    },
    transformObject: (documentObject) => {
      const doc = (
        'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject
      ) as Json;
      markOptionalBodies(doc);
      return doc as never;
    },
  };
}
