// The HTTP API on Fastify: health, window aggregates and dead letters of the running pipeline.
import Fastify, { type FastifyInstance } from 'fastify';
import type { EngineView, Pipeline } from '../app/pipeline.js';
import { windowRoutes } from './routes/windows.js';
import { healthRoutes } from './routes/health.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { problem } from './problem.js';

export interface ApiContext {
  pipeline: Pipeline<EngineView>;
  /** What feeds the pipeline, for readiness: `simulator`, `kafka`, `http`. */
  source: string;
  isReady: () => boolean;
}

export async function buildServer(ctx: ApiContext, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1 << 20 });
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error(err);
    return problem(reply, status, status === 500 ? 'internal error' : err.message);
  });
  app.setNotFoundHandler((request, reply) => problem(reply, 404, `no route ${request.method} ${request.url}`));
  await app.register(healthRoutes(ctx));
  await app.register(windowRoutes(ctx), { prefix: '/v1' });
  await app.register(deadLetterRoutes(ctx), { prefix: '/v1' });
  return app;
}
