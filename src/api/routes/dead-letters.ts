// Dead-letter counts by reason with recent samples, and the engine's counters.
import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../server.js';

export function deadLetterRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/dead-letters', async () => ctx.pipeline.deadLetters.summary());
    app.get('/stats', async () => {
      const s = ctx.pipeline.engine.stats();
      return { ...s, watermark: Number.isFinite(s.watermark) ? s.watermark : null, deadLetters: ctx.pipeline.deadLetters.total };
    });
  };
}
