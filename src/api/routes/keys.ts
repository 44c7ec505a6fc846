// Access tokens for any key holder, and API key management for operators (the CLI does the same on the key file).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import {
  ANY_ROLE,
  allow,
  issueToken,
  MAX_TOKEN_TTL_S,
  principal,
  ROLES,
  unknownScope,
  type KeyRecord,
} from '../access/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { DateTime } from '../../formats.js';
import { routeOptions } from '../route-options.js';

const TokenRequest = Type.Object(
  { ttlSeconds: Type.Integer({ minimum: 60, maximum: MAX_TOKEN_TTL_S, default: 3600 }) },
  { additionalProperties: false },
);
const Token = Type.Object({
  token: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresAt: Type.String(),
  tenant: Type.String(),
  role: Type.String(),
});
const Key = Type.Object({
  id: Type.String(),
  tenant: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  depots: Type.Array(Type.String()),
  areas: Type.Array(Type.String()),
  label: Type.String(),
  createdAt: Type.Number(),
  expiresAt: Type.Union([Type.Number(), Type.Null()]),
  revokedAt: Type.Union([Type.Number(), Type.Null()]),
});
const NewKey = Type.Object(
  {
    tenant: Type.String({ minLength: 1, maxLength: 128 }),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    depots: Type.Optional(Type.Array(Type.String())),
    areas: Type.Optional(Type.Array(Type.String())),
    label: Type.Optional(Type.String({ maxLength: 200 })),
    expiresAt: Type.Optional(DateTime({ description: 'RFC 3339 instant, e.g. 2027-01-01T00:00:00Z' })),
  },
  { additionalProperties: false },
);
const KeyParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const RevokeQuery = Type.Object(
  {
    confirm: Type.Optional(
      Type.Literal('self', { description: 'required to revoke the key this request is made with' }),
    ),
  },
  { additionalProperties: false },
);

export function keyRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const anyKey = routeOptions(ANY_ROLE, ['access']);
    const admin = routeOptions(allow('operator'), ['access']);
    app.post<{ Body: Static<typeof TokenRequest> }>(
      '/tokens',
      anyKey({
        summary: 'A short-lived signed token for the calling API key',
        description:
          'Only an API key mints tokens: a request made with a token is refused (403), so a leaked token ends at its expiry.',
        body: TokenRequest,
        ok: { 201: Token },
        errors: [400],
      }),
      async (request, reply) => {
        const p = principal(request);
        if (p.via === 'token') {
          throw new HttpProblem(
            'forbidden',
            'an access token cannot mint tokens (a leaked token would renew itself forever); request tokens with the API key itself',
          );
        }
        const key = ctx.keys.get(p.keyId);
        if (!key) throw new HttpProblem('unauthorized', 'the API key behind this request no longer exists');
        const { token, claims } = issueToken(ctx.keys.tokenSecret(), key, ctx.now(), request.body?.ttlSeconds ?? 3600);
        return reply.code(201).send({
          token,
          tokenType: 'Bearer' as const,
          expiresAt: new Date(claims.exp * 1000).toISOString(),
          tenant: claims.ten,
          role: claims.rol,
        });
      },
    );

    app.get(
      '/keys',
      admin({ summary: 'API keys (never their secrets)', ok: { 200: Type.Object({ keys: Type.Array(Key) }) } }),
      async () => ({
        keys: ctx.keys.list(),
      }),
    );
    app.post<{ Body: Static<typeof NewKey> }>(
      '/keys',
      admin({
        summary: 'Create an API key; the secret is in this answer only',
        body: NewKey,
        ok: { 201: Type.Object({ key: Key, secret: Type.String() }) },
        errors: [400, 422],
      }),
      async (request, reply) => {
        const b = request.body;
        const expiresAt = b.expiresAt === undefined ? null : Date.parse(b.expiresAt);
        if (expiresAt !== null && !Number.isFinite(expiresAt))
          throw new HttpProblem('validation', 'expiresAt must be an ISO 8601 instant', {
            errors: [{ path: 'body.expiresAt', message: 'must be an ISO 8601 instant' }],
          });
        const scope = unknownScope(ctx.city.city, b);
        if (scope)
          throw new HttpProblem('invalid-request', scope.message, {
            errors: [{ path: `body.${scope.field}`, message: scope.message }],
          });
        const { record, secret } = ctx.keys.create({ ...b, expiresAt }, ctx.now());
        return reply.code(201).header('cache-control', 'no-store').send({ key: record, secret });
      },
    );
    app.delete<{ Params: Static<typeof KeyParams>; Querystring: Static<typeof RevokeQuery> }>(
      '/keys/:id',
      admin({
        summary: 'Revoke an API key and every token issued for it',
        description:
          'The last active operator key cannot be revoked (409): create another first. Revoking the key the request is made with needs ?confirm=self.',
        params: KeyParams,
        querystring: RevokeQuery,
        ok: { 200: Type.Object({ key: Key }) },
        errors: [400, 404, 409],
      }),
      async (request) => {
        const { id } = request.params;
        const now = ctx.now();
        // Reads the store afresh, so keys created or revoked by the CLI a moment ago count.
        const last = ctx.keys.isLastActiveOperator(id, now);
        if (!ctx.keys.get(id)) throw new HttpProblem('not-found', `no API key '${id}'`);
        if (last) {
          throw new HttpProblem(
            'conflict',
            `key ${id} is the last active operator key; revoking it would lock every operator out. Create another operator key first`,
          );
        }
        if (id === principal(request).keyId && request.query.confirm !== 'self') {
          throw new HttpProblem(
            'conflict',
            `key ${id} is the key this request is made with; to revoke it anyway, add ?confirm=self`,
          );
        }
        if (!ctx.keys.revoke(id, now)) throw new HttpProblem('not-found', `no API key '${id}'`);
        return { key: ctx.keys.get(request.params.id) as KeyRecord };
      },
    );
  };
}
