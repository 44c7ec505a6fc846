// Public surface of the NGSI-LD routes: the notification endpoint (under /v1) and the entity queries (/ngsi-ld/v1).
export { ngsiLdNotifyRoute } from './notify-route.js';
export { ngsiLdEntityRoutes } from './entity-routes.js';
export type { NgsiLdForecasts } from './entity-sources.js';
