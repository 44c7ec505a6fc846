// Content negotiation: MessagePack or JSON bodies by Content-Type, MessagePack or JSON answers by Accept.
import { decode, encode } from '@msgpack/msgpack';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { installContentEncoding } from './content-encoding.js';
import { installJsonBodyParser } from './json-body.js';
import { HttpProblem } from './problem.js';

export const MSGPACK_TYPES = ['application/msgpack', 'application/x-msgpack', 'application/vnd.msgpack'];
export const MSGPACK = 'application/msgpack';

/** Quality of the best-matching media range in an Accept header for each of JSON and MessagePack. */
function qualities(accept: string): { json: number; msgpack: number } {
  let json = 0;
  let msgpack = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    const type = range.trim();
    if (MSGPACK_TYPES.includes(type)) msgpack = Math.max(msgpack, q);
    else if (type === 'application/json' || type.endsWith('+json')) json = Math.max(json, q);
    else if (type === '*/*' || type === 'application/*') json = Math.max(json, q * 0.99);
  }
  return { json, msgpack };
}

/** MessagePack only when the client ranks it above JSON; JSON is the default, also for unknown Accept values. */
export function wantsMsgpack(accept: string | undefined): boolean {
  if (!accept || !accept.includes('pack')) return false;
  const q = qualities(accept);
  return q.msgpack > 0 && q.msgpack >= q.json;
}

export function encodeMsgpack(payload: unknown): Buffer {
  const bytes = encode(payload, { ignoreUndefined: true });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Sends a pre-serialized answer (bytes, so nothing is encoded per request) in the form the client asked for. */
export function sendEncoded(
  request: FastifyRequest,
  reply: FastifyReply,
  cached: { json: Buffer; msgpack: () => Buffer },
): FastifyReply {
  reply.header('vary', 'Accept');
  if (wantsMsgpack(request.headers.accept)) return reply.type(MSGPACK).send(cached.msgpack());
  return reply.type('application/json; charset=utf-8').send(cached.json);
}

export function installContentNegotiation(app: FastifyInstance): void {
  // Bodies are JSON or MessagePack only: Fastify's built-in text/plain parser would hand a string to the schema ("Expected object").
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  installContentEncoding(app);
  app.addContentTypeParser(MSGPACK_TYPES, { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (request.routeOptions.config?.rawMsgpack) {
      done(null, bytes);
      return;
    }
    try {
      done(null, decode(bytes));
    } catch (err) {
      done(new HttpProblem('bad-request', `the body is not valid MessagePack: ${(err as Error).message}`), undefined);
    }
  });
  app.addHook('preSerialization', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('application/json')) return payload;
    reply.header('vary', 'Accept');
    if (wantsMsgpack(request.headers.accept)) {
      reply.type(MSGPACK);
      // Fastify types serializers as returning strings; a Buffer is sent as it is.
      reply.serializer(encodeMsgpack as unknown as (payload: unknown) => string);
    }
    return payload;
  });
}
