// NGSI-LD error bodies: the problem documents of the NGSI-LD routes carry the ETSI error types (GS CIM 009, 5.5.2)
// where one fits, so NGSI-LD clients read them as they read a context broker's.
import type { FastifyInstance } from 'fastify';
import { PROBLEM_MEDIA_TYPE } from '../schemas/common.js';

const ERRORS = 'https://uri.etsi.org/ngsi-ld/errors/';

/** urbanflow's problem kinds and the NGSI-LD error type each one is. */
const NGSI_LD_TYPES: Record<string, string> = {
  'urn:urbanflow:problem:validation': `${ERRORS}BadRequestData`,
  'urn:urbanflow:problem:bad-request': `${ERRORS}InvalidRequest`,
  'urn:urbanflow:problem:not-found': `${ERRORS}ResourceNotFound`,
  'urn:urbanflow:problem:internal': `${ERRORS}InternalError`,
};

/** Rewrites the type of the problems the routes of `app` answer with; kinds NGSI-LD has no type for keep urbanflow's. */
export function useNgsiLdProblemTypes(app: FastifyInstance): void {
  app.addHook('preSerialization', async (_request, reply, payload) => {
    if (!String(reply.getHeader('content-type') ?? '').startsWith(PROBLEM_MEDIA_TYPE)) return payload;
    const p = payload as { type?: unknown };
    const type = typeof p.type === 'string' ? NGSI_LD_TYPES[p.type] : undefined;
    return type ? { ...p, type } : payload;
  });
}
