// Liveness and readiness: readiness checks the sources, the stream engine, the solver workers and the stores.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { PUBLIC } from '../access/index.js';
import type { ApiContext } from '../context.js';

const Health = Type.Object({ status: Type.Literal('ok') });
const Ready = Type.Object({
  ready: Type.Boolean(),
  source: Type.String(),
  checks: Type.Object({
    source: Type.Boolean(),
    pipeline: Type.Boolean(),
    solverWorkers: Type.Boolean(),
    stores: Type.Boolean(),
    accepting: Type.Boolean(),
  }),
  watermark: Type.Union([Type.Number(), Type.Null()]),
  lateDrops: Type.Object(
    {
      recentLate: Type.Integer({ description: 'readings refused as late in the last minute' }),
      recentRatio: Type.Number({ description: 'late readings per routed reading in the last minute' }),
      normalRatio: Type.Number({ description: 'the same share before the last minute' }),
      abnormal: Type.Boolean({
        description: 'far above the usual share: a source clock or the out-of-orderness bound may be wrong',
      }),
    },
    {
      description:
        'a warning, not a readiness check: taking the instance out of service would not bring the readings back',
    },
  ),
  detail: Type.Optional(Type.String()),
});

export function healthRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const common = { config: { access: PUBLIC, rateLimit: false as const } };
    app.get(
      '/healthz',
      {
        ...common,
        schema: {
          tags: ['operations'],
          summary: 'Liveness: the process answers',
          security: [],
          response: { 200: Health },
        },
      },
      async () => ({ status: 'ok' as const }),
    );
    app.get(
      '/readyz',
      {
        ...common,
        schema: {
          tags: ['operations'],
          summary: 'Readiness: sources connected, workers alive, stores open',
          security: [],
          response: { 200: Ready, 503: Ready },
        },
      },
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
        const failed = Object.entries(checks)
          .filter(([, ok]) => !ok)
          .map(([k]) => k);
        const lateDrops = ctx.lateDrops();
        const notes: string[] = [];
        if (!ready)
          notes.push(
            `not ready: ${failed.join(', ')}${ctx.pipelineFailure ? ` (${ctx.pipelineFailure.message})` : ''}`,
          );
        if (lateDrops.abnormal) {
          const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 ? 3 : 1)} %`;
          notes.push(
            `late drops far above normal: ${lateDrops.recentLate} readings refused as late in the last minute (${pct(lateDrops.recentRatio)} of routed readings, usually ${pct(lateDrops.normalRatio)}); a source's clock may run ahead or --out-of-orderness be too small (see /v1/dead-letters)`,
          );
        }
        return reply.code(ready ? 200 : 503).send({
          ready,
          source: ctx.source,
          checks,
          watermark: Number.isFinite(w) ? w : null,
          lateDrops,
          ...(notes.length > 0 ? { detail: notes.join('; ') } : {}),
        });
      },
    );
  };
}
