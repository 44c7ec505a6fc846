// Errors as application/problem+json (RFC 9457): a status, a title and a detail a user can act on.
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';

export function problem(reply: FastifyReply, status: number, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, ...extra });
}
