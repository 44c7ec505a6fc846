// Whether a solver's result can be stored and served as JSON: every number finite (JSON has no NaN or Infinity,
// and JSON.stringify would quietly write null where the contract promises a number).

/** The path of the first value JSON cannot carry (`resources[3].cost`), or undefined when the whole result can. */
export function unservablePath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || '(root)';
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') return path || '(root)';
  if (value === null || typeof value !== 'object') return undefined;
  if (ArrayBuffer.isView(value)) return unservablePath(Array.from(value as unknown as ArrayLike<number>), path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = value[i] === undefined ? `${path}[${i}]` : unservablePath(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const bad = unservablePath(v, path ? `${path}.${k}` : k);
    if (bad) return bad;
  }
  return undefined;
}
