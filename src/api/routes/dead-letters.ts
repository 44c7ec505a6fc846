// Dead-letter counts by reason with recent samples, and the engine's counters (operators only: samples hold any tenant's data).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { allow } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { AUTH_ERRORS, errors } from '../schemas/common.js';

const Letter = Type.Object(
  { reason: Type.String(), detail: Type.String(), source: Type.String() },
  { additionalProperties: true },
);
const DeadLetters = Type.Object({
  total: Type.Integer(),
  byReason: Type.Record(Type.String(), Type.Object({ count: Type.Integer(), samples: Type.Array(Letter) })),
});
const Stats = Type.Object(
  {
    messages: Type.Number(),
    readings: Type.Number(),
    accepted: Type.Number(),
    badQuality: Type.Number(),
    unkeyed: Type.Number(),
    late: Type.Number(),
    results: Type.Number(),
    watermark: Type.Union([Type.Number(), Type.Null()]),
    activeWindows: Type.Number(),
    emitDelayP50Ms: Type.Number(),
    emitDelayP99Ms: Type.Number(),
    tasksInFlight: Type.Number(),
    deadLetters: Type.Number(),
  },
  { additionalProperties: true },
);

export function deadLetterRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const config = { access: allow('operator') };
    const tags = ['operations'];
    app.get(
      '/dead-letters',
      {
        config,
        schema: {
          tags,
          summary: 'Dead letters by reason, with recent samples',
          response: { 200: DeadLetters, ...errors(...AUTH_ERRORS) },
        },
      },
      async () => ctx.pipeline.deadLetters.summary(),
    );
    app.get(
      '/stats',
      {
        config,
        schema: { tags, summary: 'Stream engine counters', response: { 200: Stats, ...errors(...AUTH_ERRORS) } },
      },
      async () => {
        const s = ctx.pipeline.engine.stats();
        return {
          ...s,
          watermark: Number.isFinite(s.watermark) ? s.watermark : null,
          deadLetters: ctx.pipeline.deadLetters.total,
        };
      },
    );
  };
}
