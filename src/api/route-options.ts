// The options an authenticated route declares, built in one place: who may call it (`config.access`), its OpenAPI tag
// and contract, and among its answers the errors any authenticated route can give (401, 403, 429).
import type { TSchema } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import type { Access } from './access/index.js';
import { AUTH_ERRORS, errors, type MediaResponse } from './schemas/common.js';

/** A route's schema as Fastify and the OpenAPI document read it, its answers split into successes and errors. */
export interface RouteContract extends Omit<FastifySchema, 'tags' | 'response'> {
  summary: string;
  /** The answers other than errors by status code (200, 201, 304, …). */
  ok: Record<number, TSchema | MediaResponse>;
  /** The error statuses the route answers besides the authentication ones (400, 404, 503, …). */
  errors?: number[];
}

/**
 * The options of routes under one OpenAPI tag that `access` lets through, from each route's contract; `config` adds
 * to the route's config (`rawMsgpack`).
 */
export function routeOptions(access: Access, tags: string[], config: Record<string, unknown> = {}) {
  return ({ ok, errors: codes = [], ...doc }: RouteContract) => ({
    config: { access, ...config },
    schema: { tags, ...doc, response: { ...ok, ...errors(...codes, ...AUTH_ERRORS) } },
  });
}
