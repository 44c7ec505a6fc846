// Errors as application/problem+json (RFC 9457): a stable type, a status, a detail a user can act on, field paths.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isUrbanflowError } from '../errors.js';

export const PROBLEM_TYPES = {
  'bad-request': 400,
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'not-acceptable': 406,
  conflict: 409,
  'payload-too-large': 413,
  'uri-too-long': 414,
  'unsupported-media-type': 415,
  'invalid-request': 422,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ProblemType = keyof typeof PROBLEM_TYPES;

/** Longest path segment the router takes (414 beyond); route schemas bound their ids well below it. */
export const MAX_PARAM_LENGTH = 500;

export interface FieldProblem {
  path: string;
  message: string;
}

/** An error a handler or hook throws to answer with a problem document. */
export class HttpProblem extends Error {
  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly extra: {
      errors?: FieldProblem[];
      status?: number;
      headers?: Record<string, string>;
      [k: string]: unknown;
    } = {},
  ) {
    super(detail);
  }

  get status(): number {
    return this.extra.status ?? PROBLEM_TYPES[this.type];
  }
}

export function problemBody(
  type: ProblemType,
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { type: `urn:urbanflow:problem:${type}`, title: STATUS_CODES[status] ?? 'Error', status, detail, ...extra };
}

export function sendProblem(reply: FastifyReply, p: HttpProblem): FastifyReply {
  const { errors, headers, status: _status, ...rest } = p.extra;
  if (headers) reply.headers(headers);
  return reply
    .code(p.status)
    .type('application/problem+json')
    .send(
      problemBody(p.type, p.status, p.detail, { ...rest, ...(errors ? { errors } : {}), instance: reply.request.url }),
    );
}

/** `body/event/start` as `body.event.start`, `/0/x` as `[0].x`. */
export function fieldPath(part: string, pointer: string): string {
  let out = part;
  for (const seg of pointer.split('/').slice(1))
    out += /^\d+$/.test(seg) ? `[${seg}]` : `.${seg.replace(/~1/g, '/').replace(/~0/g, '~')}`;
  return out;
}

type AnyError = FastifyError & {
  validation?: { instancePath?: string; message?: string }[];
  validationContext?: string;
};

/** Maps every error (ours, Fastify's, plugins') to a problem; only unexpected ones are 500 and logged. */
export function toProblem(err: AnyError, request: FastifyRequest, bodyLimit: number): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err.validation) {
    const part = err.validationContext ?? 'body';
    const errors = err.validation
      .slice(0, 20)
      .map((v) => ({ path: fieldPath(part, v.instancePath ?? ''), message: v.message ?? 'is invalid' }));
    const more = err.validation.length > 1 ? ` (and ${err.validation.length - 1} more; see errors)` : '';
    return new HttpProblem('validation', `${errors[0]?.path ?? part}: ${errors[0]?.message ?? 'is invalid'}${more}`, {
      errors,
    });
  }
  if (isUrbanflowError(err)) {
    if (err.code === 'UF_ERR_NOT_FOUND') return new HttpProblem('not-found', err.message);
    if (err.code === 'UF_ERR_BACKPRESSURE')
      return new HttpProblem('unavailable', err.message, { headers: { 'retry-after': '1' } });
    // Data an answer needs has not arrived yet (a forecast in cold start): retrying later can succeed.
    if (err.code === 'UF_ERR_NOT_READY')
      return new HttpProblem('unavailable', err.message, { code: err.code, headers: { 'retry-after': '60' } });
    if (err.code === 'UF_ERR_INPUT' || err.code === 'UF_ERR_CITY_INVALID' || err.code === 'UF_ERR_INFEASIBLE') {
      const listed = err.details.errors as FieldProblem[] | undefined;
      const field = err.details.field as string | undefined;
      const errors = listed ?? (field ? [{ path: field, message: err.message }] : undefined);
      return new HttpProblem('invalid-request', err.message, { code: err.code, ...(errors ? { errors } : {}) });
    }
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(
        'payload-too-large',
        `the request body is larger than this route's limit of ${limitOf(request, bodyLimit)} bytes; send smaller batches`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(
        'unsupported-media-type',
        `Content-Type '${request.headers['content-type'] ?? ''}' is not accepted; send application/json or application/msgpack`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem('bad-request', 'the body is empty but Content-Type says JSON; send a JSON document');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem('bad-request', 'Content-Length does not match the body');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpProblem(
        'uri-too-long',
        `a path segment is longer than ${MAX_PARAM_LENGTH} characters; no id is that long`,
      );
    case 'FST_ERR_BAD_URL':
      return new HttpProblem('bad-request', 'the URL is malformed (check its percent-encoding)');
  }
  const status = err.statusCode;
  if (status === 429) return new HttpProblem('rate-limited', err.message, { headers: {} });
  if (status && status >= 400 && status < 500) {
    const type = (Object.entries(PROBLEM_TYPES).find(([, s]) => s === status)?.[0] ?? 'bad-request') as ProblemType;
    return new HttpProblem(type, err.message || STATUS_CODES[status] || 'bad request', { status });
  }
  return new HttpProblem('internal', `internal error; quote request id ${request.id} when reporting it`);
}

function limitOf(request: FastifyRequest, fallback: number): number {
  return request.routeOptions.bodyLimit ?? fallback;
}
