// application/ld+json or application/json answers: the @context in the body, or in a Link header (GS CIM 009, 6.3.5).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BODY_CONTEXT, CONTEXT_LINK, LD_JSON, type NgsiEntity } from '../../io/ngsi-ld/index.js';

/** Quality of the best media range matching `type` in an Accept header (exact type, its `application/*`, or `*\/*`). */
function quality(accept: string, type: string): number {
  let best = 0;
  let specificity = -1;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const r = range.trim();
    const s = r === type ? 2 : r === 'application/*' ? 1 : r === '*/*' ? 0 : -1;
    if (s < specificity || s < 0) continue;
    const q = Number(
      params
        .map((p) => p.trim())
        .find((p) => p.startsWith('q='))
        ?.slice(2) ?? 1,
    );
    if (!Number.isFinite(q)) continue;
    best = s > specificity ? q : Math.max(best, q);
    specificity = s;
  }
  return best;
}

/** JSON-LD only when the client asks for it at least as much as for plain JSON (which is the default). */
function wantsLdJson(accept: string | undefined): boolean {
  if (!accept || !accept.toLowerCase().includes(LD_JSON)) return false;
  const ld = quality(accept, LD_JSON);
  return ld > 0 && ld >= quality(accept, 'application/json');
}

/** Sends entities (one or a list) with their context as the client asked; extra Link values (pages) are kept. */
export function sendEntities(
  request: FastifyRequest,
  reply: FastifyReply,
  body: NgsiEntity | NgsiEntity[],
  links: string[] = [],
): FastifyReply {
  reply.header('vary', 'Accept');
  if (wantsLdJson(request.headers.accept)) {
    const withContext = (e: NgsiEntity) => ({ ...e, '@context': [...BODY_CONTEXT] });
    if (links.length > 0) reply.header('link', links.join(', '));
    return reply.type(LD_JSON).send(Array.isArray(body) ? body.map(withContext) : withContext(body));
  }
  reply.header('link', [CONTEXT_LINK, ...links].join(', '));
  return reply.type('application/json; charset=utf-8').send(body);
}
