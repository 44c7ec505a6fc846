// Prometheus exposition of the process, engine, HTTP and solver metrics (operators only; Prometheus sends a bearer key).
import type { FastifyPluginAsync } from 'fastify';
import { allow } from '../access/index.js';
import type { ApiContext } from '../context.js';

export function metricsRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/metrics',
      {
        config: { access: allow('operator'), rateLimit: false },
        schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)', produces: ['text/plain'] },
      },
      async (_, reply) => reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
    );
  };
}
