// Access control: roles and route declarations, the hashed key store, signed tokens, the guard hooks and tenant scope.
export { ROLES, isRole, allow, PUBLIC, ANY_ROLE, type Role, type Principal, type Access } from './roles.js';
export {
  KeyStore,
  principalOf,
  type KeyRecord,
  type NewKey,
  type KeyReplication,
  type ReplicatedKey,
} from './key-store.js';
export { issueToken, verifyToken, MAX_TOKEN_TTL_S, type TokenClaims } from './token.js';
export { installAccessControl, principal } from './guard.js';
export { ensureOperatorKey } from './bootstrap.js';
export { contractorDepots, mayUseDepot, mayReadBin, mayReadTenant, unknownScope } from './scope.js';
