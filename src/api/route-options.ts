// The options an authenticated route declares, built in one place: who may call it (`config.access`), its OpenAPI tag
// and contract, and among its answers the errors any authenticated route can give (401, 403, 429).
import type { TSchema } from '@sinclair/typebox';
import type { Access } from './access/index.js';
import { AUTH_ERRORS, errors } from './schemas/common.js';

export interface RouteContract {
  summary: string;
  description?: string;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** The success answers by status code. */
  ok: Record<number, TSchema>;
  /** The error statuses the route answers besides the authentication ones (400, 404, …). */
  errors?: number[];
}

/** The options of routes under one OpenAPI tag that `access` lets through, from each route's contract. */
export function routeOptions(access: Access, tags: string[]) {
  return ({ ok, errors: codes = [], ...doc }: RouteContract) => ({
    config: { access },
    schema: { tags, ...doc, response: { ...ok, ...errors(...codes, ...AUTH_ERRORS) } },
  });
}
