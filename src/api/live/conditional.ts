// Conditional GETs of versioned answers: ETag and Last-Modified, 304 on If-None-Match / If-Modified-Since, bytes encoded once per version.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { etagMatches } from '../../app/plans/index.js';
import { encodeMsgpack, sendEncoded } from '../content.js';

export interface Encoded {
  json: Buffer;
  msgpack: () => Buffer;
  /** Headers that depend only on the document, built with it. */
  headers: Record<string, string>;
}

/**
 * The last encoded answer per resource, keyed by its entity tag: polling clients get the same bytes without the
 * document being serialized or checked again. Each document is checked against the route's schema once, when it is
 * encoded (these answers bypass the per-request response check, which sees only objects).
 */
export class EncodedAnswers {
  private readonly entries = new Map<string, { tag: string; encoded: Encoded }>();
  private readonly check;

  constructor(
    schema: TSchema,
    private readonly what: string,
  ) {
    this.check = TypeCompiler.Compile(schema);
  }

  get(
    key: string,
    tag: string,
    doc: () => unknown,
    headers: (doc: unknown) => Record<string, string> = () => ({}),
  ): Encoded {
    const hit = this.entries.get(key);
    if (hit && hit.tag === tag) return hit.encoded;
    const value = doc();
    if (!this.check.Check(value)) {
      const e = [...this.check.Errors(value)].slice(0, 3).map((x) => `${x.path}: ${x.message}`);
      throw new Error(`${this.what} '${key}' does not match the API contract: ${e.join('; ')}`);
    }
    let packed: Buffer | undefined;
    const encoded: Encoded = {
      json: Buffer.from(JSON.stringify(value)),
      msgpack: () => (packed ??= encodeMsgpack(value)),
      headers: headers(value),
    };
    this.entries.set(key, { tag, encoded });
    return encoded;
  }

  /** Forgets resources no longer served (a city change removed them). */
  retain(keep: (key: string) => boolean): void {
    for (const key of this.entries.keys()) if (!keep(key)) this.entries.delete(key);
  }
}

export interface Validators {
  etag: string;
  /** When the content last changed (epoch ms); sent as Last-Modified only when not after the server's clock. */
  lastModifiedMs?: number;
  cacheControl: string;
  headers?: Record<string, string>;
}

/** Whether the client's copy is current: If-None-Match decides when present (RFC 9110), else If-Modified-Since. */
export function notModified(request: FastifyRequest, v: Validators): boolean {
  const inm = request.headers['if-none-match'];
  if (inm !== undefined) return etagMatches(inm, v.etag);
  const ims = request.headers['if-modified-since'];
  if (ims === undefined || v.lastModifiedMs === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(v.lastModifiedMs / 1000) * 1000 <= since;
}

/** Sets the validators and caching headers; answers 304 when the client's copy is current, else the encoded document. */
export function sendConditional(
  request: FastifyRequest,
  reply: FastifyReply,
  v: Validators,
  serverNowMs: number,
  body: () => Encoded | string,
): FastifyReply {
  reply.header('etag', v.etag).header('cache-control', v.cacheControl).header('vary', 'Accept');
  const lastModified = v.lastModifiedMs !== undefined && v.lastModifiedMs <= serverNowMs ? v.lastModifiedMs : undefined;
  if (lastModified !== undefined) reply.header('last-modified', new Date(lastModified).toUTCString());
  if (v.headers) reply.headers(v.headers);
  if (notModified(request, { ...v, lastModifiedMs: lastModified })) return reply.code(304).send();
  const b = body();
  return typeof b === 'string' ? reply.send(b) : sendEncoded(request, reply, b);
}

/** An entity tag derived from another one, for another representation or variant of the same content. */
export function derivedTag(etag: string, suffix: string): string {
  return `"${etag.replace(/^W\//, '').replace(/"/g, '')}-${suffix}"`;
}
