// Roles, principals and the access declaration every route carries in its options.

/** `device`: a device or gateway that may only publish telemetry: to the embedded MQTT broker, or NGSI-LD notifications. */
export const ROLES = ['utility', 'waste-contractor', 'traffic-center', 'operator', 'device'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}

/** Who is calling: the key (or the key behind a token), its tenant, role and, for contractors, its scope. */
export interface Principal {
  keyId: string;
  tenant: string;
  role: Role;
  /** Depots and areas a waste contractor may see; empty lists mean "the depots its tenant owns in the city". */
  depots: string[];
  areas: string[];
  /** How the caller authenticated. */
  via: 'key' | 'token';
}

/** A route's access rule: public (health, readiness, docs) or the roles that may call it. */
export type Access = { readonly public: true } | { readonly roles: readonly Role[] };

export const PUBLIC: Access = { public: true };

export function allow(...roles: Role[]): Access {
  if (roles.length === 0) throw new Error('allow() needs at least one role');
  return { roles };
}

/**
 * Every role that reads the API: routes any authenticated caller may use (their answers are scoped to the caller);
 * device keys only publish telemetry (over MQTT, or NGSI-LD notifications).
 */
export const ANY_ROLE: Access = { roles: ROLES.filter((r) => r !== 'device') };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route: the server refuses to start with a route that does not declare it. */
    access?: Access;
    /** The ingest route takes a MessagePack body as raw bytes for the engine's decoder. */
    rawMsgpack?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}
