// Shared pieces of the API contract: the problem document, error responses per route, ids and timestamps.
import { Type, type TSchema } from '@sinclair/typebox';

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'urn:urbanflow:problem:<kind>, stable; see the API README for the list' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'What went wrong and what to do about it' }),
    instance: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ path: Type.String({ description: 'e.g. body.event.start' }), message: Type.String() })),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)', additionalProperties: true },
);

const problemRef = Type.Ref('Problem');

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request or failed schema validation (field paths in errors)',
  401: 'Missing, unknown, revoked or expired credentials',
  403: "The caller's role or tenant scope does not allow this",
  404: 'No such resource (or not visible to this tenant)',
  405: 'The resource has no such method (Allow lists those it has)',
  406: 'No representation in the requested format',
  409: 'Conflict with the current state',
  413: 'Body larger than the route limit',
  415: 'Unsupported Content-Type',
  422: 'Well-formed but invalid request (field paths in errors)',
  429: 'Rate limit of the API key exceeded (Retry-After)',
  503: 'Overloaded, shutting down, or the data the answer needs has not arrived yet (Retry-After)',
};

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** A response documented per media type (Fastify and the OpenAPI document both read this form). */
export interface MediaResponse {
  description: string;
  content: Record<string, { schema: TSchema }>;
}

/** Response schemas of the errors a route can answer with, as the problem documents they are sent as. */
export function errors(...codes: number[]): Record<number, MediaResponse> {
  const out: Record<number, MediaResponse> = {};
  for (const c of codes)
    out[c] = { description: ERROR_TEXT[c] ?? 'Error', content: { [PROBLEM_MEDIA_TYPE]: { schema: problemRef } } };
  return out;
}

/** Errors every authenticated route can answer with. */
export const AUTH_ERRORS = [401, 403, 429] as const;
