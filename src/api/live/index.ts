// Public surface of the live-city routes: the API plugin over the live services, and the service-time clock it uses.
export { liveRoutes, type LiveApi, type LiveRouteOptions, type WarmUpProgress } from './plugin.js';
export { serviceTime, type ServiceTime } from './service-time.js';
