// Public surface of the HTTP API: the server, its options and context, access declarations for routes added elsewhere.
export { buildServer, DOCS_PREFIX, type ServerOptions, type ApiServer, type ApiPlugin } from './server.js';
export type { ApiContext, ApiLimits } from './context.js';
export { DEFAULT_LIMITS } from './context.js';
export {
  allow,
  ANY_ROLE,
  PUBLIC,
  ROLES,
  KeyStore,
  principal,
  type Role,
  type Principal,
  type Access,
} from './access/index.js';
export { HttpProblem } from './problem.js';
export type { PlanInputStep } from './plans/kinds.js';
export { errors, AUTH_ERRORS } from './schemas/common.js';
export { routeOptions, type RouteContract } from './route-options.js';
export { loadManagedCity, managedCityFile } from './city-model.js';
export { gracefulShutdown, type ShutdownParts } from './shutdown.js';
export { liveRoutes, type LiveApi, type LiveRouteOptions, type WarmUpProgress } from './live/index.js';
