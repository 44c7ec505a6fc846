// Liveness and readiness.
import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../server.js';

export function healthRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_, reply) => {
      const ready = ctx.isReady();
      const s = ctx.pipeline.engine.stats();
      return reply.code(ready ? 200 : 503).send({ ready, source: ctx.source, watermark: Number.isFinite(s.watermark) ? s.watermark : null });
    });
  };
}
