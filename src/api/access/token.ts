// Short-lived access tokens: an API key's identity and scope with an expiry, signed with HMAC-SHA256.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRecord } from './key-store.js';
import type { Role } from './roles.js';

/** `uft.<payload>.<signature>`, both parts base64url; the payload is JSON. */
export interface TokenClaims {
  /** The API key the token was issued for: revoking the key revokes its tokens. */
  kid: string;
  ten: string;
  rol: Role;
  dep: string[];
  are: string[];
  /** Issued-at and expiry, epoch seconds. */
  iat: number;
  exp: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

export const MAX_TOKEN_TTL_S = 24 * 3600;

function sign(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function issueToken(
  secret: Buffer,
  key: KeyRecord,
  nowMs: number,
  ttlS: number,
): { token: string; claims: TokenClaims } {
  const iat = Math.floor(nowMs / 1000);
  // A token never outlives its key.
  const keyExp = key.expiresAt === null ? Infinity : Math.floor(key.expiresAt / 1000);
  const claims: TokenClaims = {
    kid: key.id,
    ten: key.tenant,
    rol: key.role,
    dep: key.depots,
    are: key.areas,
    iat,
    exp: Math.min(iat + ttlS, keyExp),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `uft.${payload}.${sign(secret, payload).toString('base64url')}`, claims };
}

export function isTokenLike(credential: string): boolean {
  return credential.startsWith('uft.');
}

/** Checks signature and expiry; whether the key behind it is still usable is the caller's check. */
export function verifyToken(secret: Buffer, token: string, nowMs: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'uft') return { ok: false, reason: 'malformed access token' };
  const expected = sign(secret, parts[1]);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'access token signature does not match' };
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    return { ok: false, reason: 'malformed access token' };
  }
  if (typeof claims.exp !== 'number' || typeof claims.kid !== 'string')
    return { ok: false, reason: 'malformed access token' };
  if (claims.exp * 1000 <= nowMs)
    return {
      ok: false,
      reason: `access token expired at ${new Date(claims.exp * 1000).toISOString()}; request a new one with POST /v1/tokens`,
    };
  return { ok: true, claims };
}
