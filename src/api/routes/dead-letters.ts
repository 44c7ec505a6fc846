// Dead-letter counts by reason with recent samples, and the engine's counters (operators only: samples hold any tenant's data).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { allow } from '../access/index.js';
import type { ApiContext } from '../context.js';
import { routeOptions } from '../route-options.js';

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
    const operatorOnly = routeOptions(allow('operator'), ['operations']);
    app.get(
      '/dead-letters',
      operatorOnly({ summary: 'Dead letters by reason, with recent samples', ok: { 200: DeadLetters } }),
      async () => ctx.pipeline.deadLetters.summary(),
    );
    app.get('/stats', operatorOnly({ summary: 'Stream engine counters', ok: { 200: Stats } }), async () => {
      const s = ctx.pipeline.engine.stats();
      return {
        ...s,
        watermark: Number.isFinite(s.watermark) ? s.watermark : null,
        deadLetters: ctx.pipeline.deadLetters.total,
      };
    });
  };
}
