// The HTTP API on Fastify: contract, access control, negotiation, rate limits and metrics around every route.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Pipeline } from '../app/index.js';
import { LateRateMonitor } from '../stream/index.js';
import { installAccessControl, KeyStore, PUBLIC, type Role } from './access/index.js';
import { CityModel, managedCityFile } from './city-model.js';
import { installContentNegotiation } from './content.js';
import { DEFAULT_LIMITS, type ApiContext, type ApiLimits } from './context.js';
import { documentFrameworkErrors, installResponseValidation, readAbsentBodies, validatorCompiler } from './contract.js';
import { IngestQueue } from './ingest-queue.js';
import { openapiOptions } from './openapi.js';
import { AllowedMethods, clientErrorHandler } from './allowed-methods.js';
import { ApiMetrics } from './metrics.js';
import { PlanService, PlanStore } from './plans/index.js';
import { SolverRuntime } from '../runtime/index.js';
import { PLAN_KIND_DEFS } from './plans/kinds.js';
import { HttpProblem, MAX_PARAM_LENGTH, sendProblem, toProblem } from './problem.js';
import { Problem } from './schemas/common.js';
import { cityRoutes } from './routes/city.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { keyRoutes } from './routes/keys.js';
import { metricsRoutes } from './routes/metrics.js';
import { planRoutes } from './routes/plans.js';
import { windowRoutes } from './routes/windows.js';
import { uiRoutes } from './routes/ui.js';
import { updateRoutes, type UpdateOptions } from './routes/updates.js';
import { ngsiLdEntityRoutes, ngsiLdNotifyRoute, type NgsiLdForecasts } from './ngsi-ld/index.js';
import { DEFAULT_NGSI_LD_MAPPING, type NgsiLdMapping } from '../io/ngsi-ld/index.js';

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
  /** The solver runtime to share with the live plans; without it the server starts (and closes) its own. */
  solvers?: SolverRuntime;
  solverThreads?: number;
  solveTimeoutMs?: number;
  /** Compile the solvers on a worker thread at start (the service); tests leave it off to save the CPU. */
  warmSolvers?: boolean;
  plugins?: ApiPlugin[];
  /** The dashboard's built files (default: dist/ui of this package). */
  uiDir?: string;
  /** Live update stream (`GET /v1/updates`) settings. */
  updates?: UpdateOptions;
  /** NGSI-LD: the notification mapping (default: the built-in one) and the live forecasts the entities carry. */
  ngsiLd?: { mapping?: NgsiLdMapping; forecasts?: NgsiLdForecasts };
}

export type ApiServer = FastifyInstance & { urbanflow: ApiContext };

export const DOCS_PREFIX = '/docs';

/** Log levels at which Fastify logs every request (and so needs a child logger bound to its id). */
const PER_REQUEST_LEVELS = new Set(['trace', 'debug', 'info']);

export async function buildServer(o: ServerOptions): Promise<ApiServer> {
  const limits: ApiLimits = {
    ...DEFAULT_LIMITS,
    ...o.limits,
    ratePerMinute: { ...DEFAULT_LIMITS.ratePerMinute, ...o.limits?.ratePerMinute },
  };
  const now = o.now ?? Date.now;
  const keys = o.keys ?? KeyStore.open(join(o.stateDir, 'keys.db'));
  const planStore = PlanStore.open(join(o.stateDir, 'plans.db'));
  const solvers =
    o.solvers ??
    new SolverRuntime({ threads: o.solverThreads ?? 1, maxQueue: 64, timeoutMs: o.solveTimeoutMs ?? 300_000 });
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
    solvers,
    now,
    onSolved: (kind, outcome, s, result) => metrics.observeSolve(kind, outcome, s, result),
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

  const allowed = new AllowedMethods();
  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: limits.bodyBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false } },
    // Per-request child loggers only where per-request lines are logged (info and below); above, errors name the
    // request id themselves and a request costs no logger of its own.
    childLoggerFactory: (logger, bindings, opts) =>
      PER_REQUEST_LEVELS.has(logger.level) ? logger.child(bindings, opts) : logger,
    return503OnClosing: true,
    // Ids are checked by their routes' schemas (a 400 naming the parameter); the router only refuses absurd lengths.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A method the HTTP parser does not know is a 405 with Allow when the path exists, like a known method the path lacks.
    clientErrorHandler: clientErrorHandler(allowed),
    // The router's own refusals (an over-long path parameter, a malformed URL) are problem documents too.
    frameworkErrors: (err, request, reply) => sendProblem(reply, toProblem(err as never, request, limits.bodyBytes)),
  }) as unknown as ApiServer;
  app.decorate('urbanflow', ctx);
  log = app.log;
  if (o.warmSolvers)
    solvers.warmUp((err) =>
      app.log.warn({ err }, 'solver warm-up failed; the first plan request compiles the solvers'),
    );
  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(Problem);
  /** No route of this method: 405 with Allow when the path has other methods (204 for OPTIONS), else 404. */
  const unmatched = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = request.url.split('?')[0];
    const methods = allowed.of(path);
    const status = methods.length === 0 ? 404 : request.method === 'OPTIONS' ? 204 : 405;
    metrics.observeUnmatched(request.method, status, reply.elapsedTime / 1000);
    if (status === 404)
      return sendProblem(
        reply,
        new HttpProblem('not-found', `no route ${request.method} ${path}; the API is described at ${DOCS_PREFIX}`),
      );
    const allow = methods.join(', ');
    if (status === 204) return reply.code(204).header('allow', allow).send();
    return sendProblem(
      reply,
      new HttpProblem('method-not-allowed', `${request.method} is not a method of ${path}; it answers ${allow}`, {
        headers: { allow },
      }),
    );
  };
  app.setErrorHandler((err, request, reply) => {
    // A request that matched no route failed before the not-found handler (its body could not be parsed): the
    // missing route is the answer.
    if (request.is404) return unmatched(request, reply);
    const p = toProblem(err as never, request, limits.bodyBytes);
    // Data an answer waits for (a cold start, a replay of history) is expected, not a failure: no stack, no error.
    if (p.extra.code === 'UF_ERR_NOT_READY')
      request.log.info({ reqId: request.id, code: p.extra.code, detail: p.detail }, 'not ready yet');
    else if (p.status >= 500) request.log.error({ err, reqId: request.id }, 'request failed');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler(unmatched);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  allowed.install(app);
  installAccessControl(app, { keys, now, publicPrefixes: [DOCS_PREFIX] });
  installResponseValidation(app);
  documentFrameworkErrors(app);
  readAbsentBodies(app);
  installContentNegotiation(app);
  metrics.install(app);

  await app.register(swagger, openapiOptions());
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing',
    timeWindow: 60_000,
    keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
    max: (request) => (request.principal ? limits.ratePerMinute[request.principal.role] : 600),
    allowList: (request) => request.principal !== undefined && limits.ratePerMinute[request.principal.role] === 0,
    errorResponseBuilder: (request, c) =>
      new HttpProblem(
        'rate-limited',
        `${request.principal ? `API key ${request.principal.keyId}` : 'this address'} made more than ${c.max} requests in a minute; retry in ${c.after}`,
        {
          headers: { 'retry-after': String(Math.ceil(c.ttl / 1000)) },
        },
      ),
  });

  app.get('/openapi.json', { config: { access: PUBLIC }, schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(ctx));
  await app.register(metricsRoutes(ctx));
  await app.register(uiRoutes(o.uiDir));
  await app.register(
    async (v1) => {
      await v1.register(windowRoutes(ctx));
      await v1.register(deadLetterRoutes(ctx));
      await v1.register(keyRoutes(ctx));
      await v1.register(ingestRoutes(ctx));
      await v1.register(cityRoutes(ctx));
      await v1.register(updateRoutes(ctx, o.updates));
      await v1.register(ngsiLdNotifyRoute(ctx, o.ngsiLd?.mapping ?? DEFAULT_NGSI_LD_MAPPING));
      for (const def of PLAN_KIND_DEFS) await v1.register(planRoutes(ctx, def));
      for (const plugin of o.plugins ?? []) await v1.register(plugin(ctx));
    },
    { prefix: '/v1' },
  );
  await app.register(ngsiLdEntityRoutes(ctx, o.ngsiLd?.forecasts), { prefix: '/ngsi-ld/v1' });

  app.addHook('onClose', async () => {
    ctx.draining = true;
    clearInterval(lateTimer);
    await plans.close(30_000);
    if (!o.solvers) await solvers.close();
    planStore.close();
    if (!o.keys) keys.close();
  });
  await app.ready();
  plans.resume();
  return app;
}
