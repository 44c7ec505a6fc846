// Compressed request bodies: gzip, deflate and br are decoded before parsing; the route's body limit applies to the
// decoded bytes (a zip bomb stops at the limit with 413); any other coding is 415 naming the ones accepted.
import { pipeline, type Duplex } from 'node:stream';
import {
  createBrotliDecompress,
  createGunzip,
  createInflate,
  type BrotliDecompress,
  type Gunzip,
  type Inflate,
} from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from './problem.js';

const DECODERS: Record<string, () => Gunzip | Inflate | BrotliDecompress> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};
const ACCEPTED = 'gzip, deflate, br';

/** The codings of a Content-Encoding header, outermost last; `identity` means none. */
function codingsOf(header: string): string[] {
  return header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

export function installContentEncoding(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const header = request.headers['content-encoding'];
    if (header === undefined) return payload;
    // A request without a body (a GET that copies its client's default headers) has nothing to decode.
    const length = request.headers['content-length'];
    if (request.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return payload;
    const codings = codingsOf(header);
    if (codings.length === 0) return payload;
    const unsupported = codings.find((c) => !(c in DECODERS));
    if (unsupported !== undefined || codings.length > 1) {
      throw new HttpProblem(
        'unsupported-media-type',
        unsupported !== undefined
          ? `Content-Encoding '${unsupported}' is not accepted; send the body as is or encoded with one of ${ACCEPTED}`
          : `Content-Encoding '${header}' stacks codings; send the body encoded once with one of ${ACCEPTED}`,
        { headers: { 'accept-encoding': ACCEPTED } },
      );
    }
    const coding = codings[0];
    const decoded = DECODERS[coding]() as Duplex & { receivedEncodedLength?: number };
    // Fastify checks Content-Length against the bytes received on the wire (this count) and the body limit against
    // both these and the decoded bytes, so decoding stops at the limit.
    decoded.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => (decoded.receivedEncodedLength! += chunk.length));
    decoded.once('error', (err: Error & { statusCode?: number }) => {
      err.message = `the body is not valid ${coding} data (Content-Encoding: ${header}): ${err.message}`;
      err.statusCode = 400;
    });
    // Errors reach the parser through the decoded stream; the callback only has to exist.
    pipeline(payload, decoded, () => undefined);
    return decoded;
  });
}
