// Liveness and readiness: readiness checks the sources, the stream engine, the solver workers and the stores.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { PUBLIC } from '../access/index.js';
import type { ApiContext } from '../context.js';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  ready: Type.Boolean(),
  source: Type.String(),
  checks: Type.Object({ source: Type.Boolean(), pipeline: Type.Boolean(), solverWorkers: Type.Boolean(), stores: Type.Boolean(), accepting: Type.Boolean() }),
  watermark: Type.Union([Type.Number(), Type.Null()]),
  detail: Type.Optional(Type.String()),
});

export function healthRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const common = { config: { access: PUBLIC, rateLimit: false as const } };
    app.get('/healthz', { ...common, schema: { tags: ['operations'], summary: 'Liveness: the process answers', security: [], response: { 200: Health } } }, async () => ({ status: 'ok' as const }));
    app.get(
      '/readyz',
      { ...common, schema: { tags: ['operations'], summary: 'Readiness: sources connected, workers alive, stores open', security: [], response: { 200: Ready, 503: Ready } } },
      async (_, reply) => {
        let stores = true;
        try {
          ctx.plans.store.counts();
        } catch {
          stores = false;
        }
        const checks = {
          source: ctx.sourceReady(),
          pipeline: ctx.pipelineFailure === undefined,
          solverWorkers: ctx.plans.alive,
          stores,
          accepting: !ctx.draining,
        };
        const ready = Object.values(checks).every(Boolean);
        const w = ctx.pipeline.engine.watermark;
        const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k);
        return reply.code(ready ? 200 : 503).send({
          ready,
          source: ctx.source,
          checks,
          watermark: Number.isFinite(w) ? w : null,
          ...(ready ? {} : { detail: `not ready: ${failed.join(', ')}${ctx.pipelineFailure ? ` (${ctx.pipelineFailure.message})` : ''}` }),
        });
      },
    );
  };
}
