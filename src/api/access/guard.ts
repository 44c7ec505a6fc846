// Authentication and authorization hooks: every route must declare its access; credentials become a principal.
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { HttpProblem } from '../problem.js';
import type { KeyStore } from './key-store.js';
import { PUBLIC, type Principal, type Role } from './roles.js';
import { isTokenLike, verifyToken } from './token.js';

export interface GuardOptions {
  keys: KeyStore;
  now: () => number;
  /** Route prefixes served by documentation plugins, public without a declaration of their own. */
  publicPrefixes: string[];
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="urbanflow"' };
const GUARD = Symbol('urbanflow.guard');
const RECENT_MS = 1000;
const MAX_RECENT = 10_000;

/** The credential from `Authorization: Bearer ...` or `X-API-Key`. */
function credentialOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!m)
      throw new HttpProblem('unauthorized', 'the Authorization header must be "Bearer <API key or token>"', {
        headers: CHALLENGE,
      });
    return m[1];
  }
  const key = request.headers['x-api-key'];
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}

export function installAccessControl(app: FastifyInstance, o: GuardOptions): void {
  // Declared up front so every request object keeps one shape (a property added later makes V8 deoptimize them).
  app.decorateRequest('principal', undefined);

  // A credential checked within the last second is not hashed again. Entries die with any key change in this process
  // (revocation through the API is immediate) and after a second otherwise, the delay the key store already has for
  // changes made by another process.
  const recent = new Map<string, { principal: Principal; until: number }>();
  let keysVersion = o.keys.version;
  const authenticate = (credential: string): Principal => {
    const now = o.now();
    o.keys.poll(now);
    if (keysVersion !== o.keys.version) {
      recent.clear();
      keysVersion = o.keys.version;
    }
    const hit = recent.get(credential);
    if (hit && hit.until > now) return hit.principal;
    const checked = check(credential, now);
    if (recent.size >= MAX_RECENT) recent.clear();
    recent.set(credential, { principal: checked.principal, until: Math.min(now + RECENT_MS, checked.expiresAt) });
    return checked.principal;
  };

  /** The caller behind a credential, and when the credential stops working. */
  const check = (credential: string, now: number): { principal: Principal; expiresAt: number } => {
    if (isTokenLike(credential)) {
      const token = verifyToken(o.keys.tokenSecret(), credential, now);
      if (!token.ok) throw new HttpProblem('unauthorized', token.reason, { headers: CHALLENGE });
      const keyProblem = o.keys.keyProblem(token.claims.kid, now);
      if (keyProblem)
        throw new HttpProblem('unauthorized', `${keyProblem}; its tokens no longer work`, { headers: CHALLENGE });
      const c = token.claims;
      return {
        principal: { keyId: c.kid, tenant: c.ten, role: c.rol, depots: c.dep, areas: c.are, via: 'token' },
        expiresAt: c.exp * 1000,
      };
    }
    const key = o.keys.verify(credential, now);
    if (!key.ok) throw new HttpProblem('unauthorized', key.reason, { headers: CHALLENGE });
    return { principal: key.principal, expiresAt: o.keys.get(key.principal.keyId)?.expiresAt ?? Infinity };
  };

  /** The route's own first hook: it knows its roles, so nothing is looked up per request. */
  const guardFor = (roles: readonly Role[], label: string): onRequestHookHandler => {
    const hook: onRequestHookHandler = (request, _reply, done) => {
      try {
        const credential = credentialOf(request);
        if (credential === undefined) {
          throw new HttpProblem(
            'unauthorized',
            'credentials required: send "Authorization: Bearer <API key or token>" (keys come from `urbanflow keys create`)',
            { headers: CHALLENGE },
          );
        }
        const principal = authenticate(credential);
        if (!roles.includes(principal.role))
          throw new HttpProblem(
            'forbidden',
            `role '${principal.role}' may not ${label}; allowed roles: ${roles.join(', ')}`,
          );
        request.principal = principal;
        done();
      } catch (err) {
        done(err as Error);
      }
    };
    return Object.assign(hook, { [GUARD]: true });
  };

  app.addHook('onRoute', (route) => {
    let access = route.config?.access;
    if (!access) {
      if (!o.publicPrefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`))) {
        throw new Error(
          `route ${String(route.method)} ${route.url} declares no access: set config.access to PUBLIC or allow(...roles)`,
        );
      }
      route.config = { ...route.config, access: (access = PUBLIC) };
    }
    if ('public' in access) return;
    const existing =
      route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    // A HEAD route copied from its GET route arrives with the guard already in place.
    if (existing.some((h) => GUARD in h)) return;
    const label = `${Array.isArray(route.method) ? route.method.join('/') : route.method} ${route.url}`;
    route.onRequest = [guardFor(access.roles, label), ...existing];
  });
}

/** The authenticated caller of a non-public route. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`no principal on ${request.method} ${request.url}: the route is public`);
  return request.principal;
}
