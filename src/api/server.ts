// The HTTP API on Fastify: contract, access control, negotiation, rate limits and metrics around every route.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Pipeline } from '../app/pipeline.js';
import { LateRateMonitor } from '../stream/index.js';
import { installAccessControl, KeyStore, PUBLIC, type Role } from './access/index.js';
import { CityModel, managedCityFile } from './city-model.js';
import { installContentNegotiation } from './content.js';
import { DEFAULT_LIMITS, type ApiContext, type ApiLimits } from './context.js';
import { installResponseValidation, validatorCompiler } from './contract.js';
import { IngestQueue } from './ingest-queue.js';
import { ApiMetrics } from './metrics.js';
import { PlanService, PlanStore, SolverPool } from './plans/index.js';
import { PLAN_KIND_DEFS } from './plans/kinds.js';
import { HttpProblem, sendProblem, toProblem } from './problem.js';
import { Problem } from './schemas/common.js';
import { cityRoutes } from './routes/city.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { keyRoutes } from './routes/keys.js';
import { metricsRoutes } from './routes/metrics.js';
import { planRoutes } from './routes/plans.js';
import { windowRoutes } from './routes/windows.js';

/** Routes added by other services (e.g. live-city planners); each must declare `config.access` like every route. */
export type ApiPlugin = (ctx: ApiContext) => FastifyPluginAsync;

export interface ServerOptions {
  pipeline: Pipeline;
  /** What feeds the pipeline, for readiness: `simulator`, `kafka`, `http`. */
  source: string;
  /** Whether the sources are connected; always true when absent. */
  sourceReady?: () => boolean;
  /** Directory of the key store, the plan store and the managed city copy. */
  stateDir: string;
  /** An already open key store (the run command opens it first to create the local operator key). */
  keys?: KeyStore;
  now?: () => number;
  logger?: FastifyServerOptions['logger'];
  limits?: Partial<Omit<ApiLimits, 'ratePerMinute'>> & { ratePerMinute?: Partial<Record<Role, number>> };
  solverThreads?: number;
  solveTimeoutMs?: number;
  /** Compile the solvers on a worker thread at start (the service); tests leave it off to save the CPU. */
  warmSolvers?: boolean;
  plugins?: ApiPlugin[];
}

export type ApiServer = FastifyInstance & { urbanflow: ApiContext };

export const DOCS_PREFIX = '/docs';

/** Log levels at which Fastify logs every request (and so needs a child logger bound to its id). */
const PER_REQUEST_LEVELS = new Set(['trace', 'debug', 'info']);

export async function buildServer(o: ServerOptions): Promise<ApiServer> {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...o.limits, ratePerMinute: { ...DEFAULT_LIMITS.ratePerMinute, ...o.limits?.ratePerMinute } };
  const now = o.now ?? Date.now;
  const keys = o.keys ?? KeyStore.open(join(o.stateDir, 'keys.db'));
  const planStore = PlanStore.open(join(o.stateDir, 'plans.db'));
  const pool = new SolverPool({ threads: o.solverThreads ?? 1, maxQueue: 64, timeoutMs: o.solveTimeoutMs ?? 300_000 });
  const lateRate = new LateRateMonitor();
  const sampleLateRate = () => {
    const s = o.pipeline.engine.stats();
    lateRate.sample(performance.now(), s.late, s.accepted);
  };
  sampleLateRate();
  const lateTimer = setInterval(sampleLateRate, 1000);
  lateTimer.unref();
  const lateDrops = () => {
    sampleLateRate();
    return lateRate.status();
  };
  const metrics = new ApiMetrics(o.pipeline, () => planStore.counts(), lateDrops);
  let log: FastifyInstance['log'] | undefined;
  const plans = new PlanService({
    store: planStore,
    pool,
    now,
    onSolved: (kind, outcome, s) => metrics.solverDuration.observe({ kind, outcome }, s),
    // Storing a solve's outcome failed (disk full, store closed): the plan stays queued and is solved again at start.
    onError: (err) => log?.error({ err }, 'could not store a plan outcome'),
  });
  const ctx: ApiContext = {
    pipeline: o.pipeline,
    source: o.source,
    sourceReady: o.sourceReady ?? (() => true),
    city: new CityModel(o.pipeline, managedCityFile(o.stateDir, o.pipeline.city.id)),
    keys,
    plans,
    planInputs: new Map(),
    metrics,
    ingest: new IngestQueue(limits.ingestQueue),
    limits,
    now,
    draining: false,
    lateDrops,
  };

  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: limits.bodyBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false } },
    // Per-request child loggers only where per-request lines are logged (info and below); above, errors name the
    // request id themselves and a request costs no logger of its own.
    childLoggerFactory: (logger, bindings, opts) => (PER_REQUEST_LEVELS.has(logger.level) ? logger.child(bindings, opts) : logger),
    return503OnClosing: true,
    // The router's own refusals (an over-long path parameter, a malformed URL) are problem documents too.
    frameworkErrors: (err, request, reply) => sendProblem(reply, toProblem(err as never, request, limits.bodyBytes)),
  }) as unknown as ApiServer;
  app.decorate('urbanflow', ctx);
  log = app.log;
  if (o.warmSolvers) pool.warmUp((err) => app.log.warn({ err }, 'solver warm-up failed; the first plan request compiles the solvers'));
  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(Problem);
  app.setErrorHandler((err, request, reply) => {
    const p = toProblem(err as never, request, limits.bodyBytes);
    // Data an answer waits for (a cold start, a replay of history) is expected, not a failure: no stack, no error.
    if (p.extra.code === 'UF_ERR_NOT_READY') request.log.info({ reqId: request.id, code: p.extra.code, detail: p.detail }, 'not ready yet');
    else if (p.status >= 500) request.log.error({ err, reqId: request.id }, 'request failed');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler((request, reply) => {
    metrics.observeUnmatched(request.method, 404, reply.elapsedTime / 1000);
    return sendProblem(reply, new HttpProblem('not-found', `no route ${request.method} ${request.url.split('?')[0]}; the API is described at ${DOCS_PREFIX}`));
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  installAccessControl(app, { keys, now, publicPrefixes: [DOCS_PREFIX] });
  installResponseValidation(app);
  installContentNegotiation(app);
  metrics.install(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'urbanflow API', version: '1', description: 'Smart-city telemetry, window aggregates, city model and dispatch, route and signal plans. Errors are application/problem+json.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API key (ufk_...) or access token (uft....)' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing',
    timeWindow: 60_000,
    keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
    max: (request) => (request.principal ? limits.ratePerMinute[request.principal.role] : 600),
    allowList: (request) => request.principal !== undefined && limits.ratePerMinute[request.principal.role] === 0,
    errorResponseBuilder: (request, c) =>
      new HttpProblem('rate-limited', `${request.principal ? `API key ${request.principal.keyId}` : 'this address'} made more than ${c.max} requests in a minute; retry in ${c.after}`, {
        headers: { 'retry-after': String(Math.ceil(c.ttl / 1000)) },
      }),
  });

  app.get('/openapi.json', { config: { access: PUBLIC }, schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(ctx));
  await app.register(metricsRoutes(ctx));
  await app.register(
    async (v1) => {
      await v1.register(windowRoutes(ctx));
      await v1.register(deadLetterRoutes(ctx));
      await v1.register(keyRoutes(ctx));
      await v1.register(ingestRoutes(ctx));
      await v1.register(cityRoutes(ctx));
      for (const def of PLAN_KIND_DEFS) await v1.register(planRoutes(ctx, def));
      for (const plugin of o.plugins ?? []) await v1.register(plugin(ctx));
    },
    { prefix: '/v1' },
  );

  app.addHook('onClose', async () => {
    ctx.draining = true;
    clearInterval(lateTimer);
    await plans.close(30_000);
    planStore.close();
    if (!o.keys) keys.close();
  });
  await app.ready();
  plans.resume();
  return app;
}

