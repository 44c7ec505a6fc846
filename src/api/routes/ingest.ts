// Telemetry over HTTP: MessagePack messages or JSON readings into the same engine as the simulator and Kafka.
import { encode } from '@msgpack/msgpack';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { allow, principal } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { MSGPACK_TYPES } from '../content.js';
import { JsonBodyError, isJsonArray, nestsDeeperThan } from '../json-array-reader.js';
import { forbiddenKeyPath, forbiddenKeyProblem, mayHoldForbiddenKey } from '../json-body.js';
import { ingestJsonArray, type JsonIngestOutcome } from '../json-ingest.js';
import {
  countIngest,
  countRefusedIngest,
  ingestMessage,
  refuseIfStopped,
  refuseWhileDraining,
} from '../message-ingest.js';
import { MAX_BODY_DEPTH, TOO_DEEP, tooDeepAt } from '../nesting.js';
import { fieldPath, HttpProblem } from '../problem.js';
import { routeOptions } from '../route-options.js';

const JsonReading = Type.Object(
  {
    sensor: Type.String(),
    metric: Type.String(),
    ts: Type.Number({ description: 'event time, epoch ms' }),
    value: Type.Number(),
    quality: Type.Optional(Type.String()),
  },
  { description: 'one reading' },
);
const Body = Type.Union(
  [
    Type.Array(Type.Unknown(), { description: 'readings; ill-typed ones become dead letters' }),
    Type.Object({}, { additionalProperties: true }),
  ],
  {
    description:
      'JSON: one reading, an array of readings, or a columnar batch. MessagePack (Content-Type application/msgpack): one wire message, a single reading or a columnar batch (see src/telemetry/codec.ts).',
  },
);
const Accepted = Type.Object({
  readings: Type.Integer({ description: 'readings in the request' }),
  accepted: Type.Integer({ description: 'readings that passed validation and entered the pipeline' }),
  deadLettered: Type.Integer({ description: 'readings or messages refused at validation, see GET /v1/dead-letters' }),
  deadLettersByReason: Type.Record(Type.String(), Type.Integer()),
});

/** JSON object bodies above this size are checked for nesting before they are parsed. */
const LARGE_OBJECT_BYTES = 64 * 1024;

function isMsgpack(request: FastifyRequest): boolean {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return MSGPACK_TYPES.includes(type);
}

/** A JSON body that is not an array: one reading or a columnar batch, parsed whole (an object, at most the body limit). */
/** Bodies up to this size are parsed to name where they nest too deep; a larger one is refused as a whole. */
const LOCATE_DEPTH_BYTES = 1 << 20;

function tooDeepProblem(raw: Buffer): HttpProblem {
  let pointer = '';
  if (raw.length <= LOCATE_DEPTH_BYTES) {
    try {
      pointer = tooDeepAt(JSON.parse(raw.toString('utf8'))) ?? '';
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
    }
  }
  const path = fieldPath('body', pointer);
  return new HttpProblem('bad-request', `${path}: ${TOO_DEEP}`, { errors: [{ path, message: TOO_DEEP }] });
}

function parseJsonObject(raw: Buffer): unknown {
  if (raw.length === 0)
    throw new HttpProblem(
      'bad-request',
      'the body is empty: send one reading, an array of readings or a columnar batch',
    );
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpProblem('bad-request', `the body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null)
    throw new HttpProblem(
      'bad-request',
      'the body must be a JSON object (one reading or a columnar batch) or an array of readings',
    );
  const path = mayHoldForbiddenKey(raw) ? forbiddenKeyPath(body) : undefined;
  if (path !== undefined) throw forbiddenKeyProblem(path);
  return body;
}

export function ingestRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    // Telemetry JSON is read here, not by the server's parser: arrays in chunks, without blocking the event loop.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: ctx.limits.ingestBodyBytes },
      (_request, body, done) => done(null, body),
    );
    app.post(
      '/telemetry',
      {
        bodyLimit: ctx.limits.ingestBodyBytes,
        ...routeOptions(allow('operator'), ['telemetry'], { rawMsgpack: true })({
          summary: 'Ingest readings (MessagePack batches are the fast path)',
          description: `Readings go through the same validation as every source; bad ones become dead letters, good ones are never dropped. Bodies above ${ctx.limits.ingestBodyBytes} bytes get 413; when the engine is behind the answer is 503 with Retry-After. One reading: ${JSON.stringify(Object.keys(JsonReading.properties))}.`,
          consumes: ['application/json', ...MSGPACK_TYPES],
          body: Body,
          ok: { 202: Accepted },
          errors: [400, 413, 415, 503],
        }),
        onResponse: countRefusedIngest(ctx),
        // An empty request carries no reading: refused here rather than read as one empty reading (a dead letter).
        preValidation: async (request) => {
          const body = request.body;
          if (body === undefined || body === null || (body instanceof Uint8Array && body.byteLength === 0)) {
            throw new HttpProblem(
              'bad-request',
              'the body is empty; send readings as JSON (application/json) or MessagePack (application/msgpack)',
            );
          }
        },
      },
      async (request, reply) => {
        refuseWhileDraining(ctx);
        const raw = request.body as Buffer;
        const partition = `http:${principal(request).keyId}`;
        const engine = ctx.pipeline.engine;
        const dead = ctx.pipeline.deadLetters;
        const stopped = (err: unknown): never => refuseIfStopped(ctx, err);
        // Refused like every other route's body, naming where it nests too deep (a byte scan first: no parsing of junk).
        // Larger arrays are judged by the chunked reader as it goes, so the event loop never scans megabytes at once.
        if (!isMsgpack(request) && raw.length <= LOCATE_DEPTH_BYTES && nestsDeeperThan(raw, MAX_BODY_DEPTH))
          throw tooDeepProblem(raw);
        let counts: JsonIngestOutcome;
        if (!isMsgpack(request) && isJsonArray(raw)) {
          // An array of readings: read in chunks with the event loop running in between, refused records sampled.
          counts = await ctx.ingest
            .run(() =>
              ingestJsonArray(raw, { engine, catalog: ctx.pipeline.catalog, partition, deadLetter: dead.add }).catch(
                stopped,
              ),
            )
            .catch((err: unknown) => {
              if (err instanceof JsonBodyError) throw new HttpProblem('bad-request', err.message);
              throw err;
            });
        } else if (!isMsgpack(request) && raw.length > LARGE_OBJECT_BYTES && nestsDeeperThan(raw, 2)) {
          // A large object can only be a columnar batch, whose columns are flat arrays: anything nested deeper is junk
          // that JSON.parse would spend seconds turning into objects, so it is refused unparsed.
          dead.add({
            reason: 'malformed',
            detail: `a JSON object body of ${raw.length} bytes nests objects or arrays; a large body is a columnar batch of flat arrays or an array of readings`,
            source: partition,
          });
          counts = { readings: 1, deadLettered: 1, byReason: { malformed: 1 } };
        } else {
          const message = isMsgpack(request) ? raw : encode(parseJsonObject(raw));
          counts = await ingestMessage(ctx, message, partition);
        }
        // A message that could not be decoded counts as one refused message, not as readings.
        const readings = Math.max(counts.readings, counts.deadLettered);
        countIngest(ctx, readings, counts.deadLettered);
        return reply.code(202).send({
          readings,
          accepted: readings - counts.deadLettered,
          deadLettered: counts.deadLettered,
          deadLettersByReason: counts.byReason,
        });
      },
    );
  };
}
