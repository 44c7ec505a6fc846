// Telemetry over HTTP: MessagePack messages or JSON readings into the same engine as the simulator and Kafka.
import { encode } from '@msgpack/msgpack';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { encodeBatch } from '../../telemetry/codec.js';
import { QUALITY_CODES, type Reading } from '../../telemetry/reading.js';
import { allow, principal } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { MSGPACK_TYPES } from '../content.js';
import { HttpProblem } from '../problem.js';
import { AUTH_ERRORS, errors } from '../schemas/common.js';

const JsonReading = Type.Object(
  { sensor: Type.String(), metric: Type.String(), ts: Type.Number({ description: 'event time, epoch ms' }), value: Type.Number(), quality: Type.Optional(Type.String()) },
  { description: 'one reading' },
);
const Body = Type.Union([Type.Array(Type.Unknown(), { description: 'readings; ill-typed ones become dead letters' }), Type.Object({}, { additionalProperties: true })], {
  description:
    'JSON: one reading, an array of readings, or a columnar batch. MessagePack (Content-Type application/msgpack): one wire message, a single reading or a columnar batch (see src/telemetry/codec.ts).',
});
const Accepted = Type.Object({
  readings: Type.Integer({ description: 'readings in the request' }),
  accepted: Type.Integer({ description: 'readings that passed validation and entered the pipeline' }),
  deadLettered: Type.Integer({ description: 'readings or messages refused at validation, see GET /v1/dead-letters' }),
  deadLettersByReason: Type.Record(Type.String(), Type.Integer()),
});

function wellTyped(r: unknown): r is Reading {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return (
    typeof o.sensor === 'string' &&
    typeof o.metric === 'string' &&
    typeof o.ts === 'number' &&
    typeof o.value === 'number' &&
    (o.quality === undefined || (typeof o.quality === 'string' && o.quality in QUALITY_CODES))
  );
}

/** The wire messages a JSON body stands for: well-typed readings as one columnar batch, the rest one by one (to be dead-lettered with their reason). */
function messagesOfJson(body: unknown): Uint8Array[] {
  if (!Array.isArray(body)) return [encode(body)];
  const good = body.filter(wellTyped);
  const out = good.length > 0 ? [encodeBatch(good)] : [];
  for (const r of body) if (!wellTyped(r)) out.push(encode(r));
  return out;
}

export function ingestRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.post(
      '/telemetry',
      {
        bodyLimit: ctx.limits.ingestBodyBytes,
        config: { access: allow('operator'), rawMsgpack: true },
        schema: {
          tags: ['telemetry'],
          summary: 'Ingest readings (MessagePack batches are the fast path)',
          description: `Readings go through the same validation as every source; bad ones become dead letters, good ones are never dropped. Bodies above ${ctx.limits.ingestBodyBytes} bytes get 413; when the engine is behind the answer is 503 with Retry-After. One reading: ${JSON.stringify(Object.keys(JsonReading.properties))}.`,
          consumes: ['application/json', ...MSGPACK_TYPES],
          body: Body,
          response: { 202: Accepted, ...errors(400, 413, 415, ...AUTH_ERRORS, 503) },
        },
        // An empty request carries no reading: refused here rather than read as one empty reading (a dead letter).
        preValidation: async (request) => {
          const body = request.body;
          if (body === undefined || body === null || (body instanceof Uint8Array && body.byteLength === 0)) {
            throw new HttpProblem('bad-request', 'the body is empty; send readings as JSON (application/json) or MessagePack (application/msgpack)');
          }
        },
      },
      async (request, reply) => {
        if (ctx.draining) throw new HttpProblem('unavailable', 'the server is shutting down and no longer takes telemetry; send it to another instance or retry after the restart', { headers: { 'retry-after': '5' } });
        const raw = request.body;
        const messages = raw instanceof Uint8Array ? [raw] : messagesOfJson(raw);
        const partition = `http:${principal(request).keyId}`;
        const engine = ctx.pipeline.engine;
        const dead = ctx.pipeline.deadLetters;
        const counts = await ctx.ingest.run(async () => {
          let readings = 0;
          let deadLettered = 0;
          const byReason: Record<string, number> = {};
          for (const m of messages) {
            const before = new Map(dead.counts);
            const readings0 = engine.stats().readings;
            const dead0 = dead.total;
            let done: Promise<void>;
            try {
              done = engine.ingestMessage(m, partition);
            } catch (err) {
              ctx.pipelineFailure ??= err as Error;
              throw new HttpProblem('unavailable', `the stream pipeline stopped (${(err as Error).message}); nothing more of this request was taken`, { headers: { 'retry-after': '30' } });
            }
            // Validation runs before the engine's first await: the counters now hold this message's outcome alone.
            readings += engine.stats().readings - readings0;
            deadLettered += dead.total - dead0;
            for (const [reason, n] of dead.counts) if (n !== (before.get(reason) ?? 0)) byReason[reason] = (byReason[reason] ?? 0) + n - (before.get(reason) ?? 0);
            await done;
          }
          return { readings, deadLettered, byReason };
        });
        // A message that could not be decoded counts as one refused message, not as readings.
        const readings = Math.max(counts.readings, counts.deadLettered);
        ctx.metrics.httpIngestReadings.inc({ outcome: 'accepted' }, readings - counts.deadLettered);
        ctx.metrics.httpIngestReadings.inc({ outcome: 'dead-lettered' }, counts.deadLettered);
        return reply.code(202).send({ readings, accepted: readings - counts.deadLettered, deadLettered: counts.deadLettered, deadLettersByReason: counts.byReason });
      },
    );
  };
}
