// Local first start: with no usable operator key in the store, create one so the person starting the server can get in.
import type { KeyStore } from './key-store.js';

/** The secret of a newly created operator key, or undefined when an operator key already exists. */
export function ensureOperatorKey(keys: KeyStore, nowMs: number): string | undefined {
  if (keys.hasActive('operator', nowMs)) return undefined;
  return keys.create({ tenant: 'local', role: 'operator', label: 'created at first start' }, nowMs).secret;
}
