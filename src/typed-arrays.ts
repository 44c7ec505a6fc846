// Typed columns that grow: the one copy into a larger array, for the buffers of the hot paths that grow by doubling.

export type NumberArray =
  Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array;

/** A new array of `from`'s type with `length` elements, holding the first `keep` elements of `from` (all by default). */
export function resized<T extends NumberArray>(from: T, length: number, keep = from.length): T {
  const to = new (from.constructor as new (n: number) => T)(length);
  to.set(keep === from.length ? from : from.subarray(0, keep));
  return to;
}

/** `count` zeroed vectors of `length` each: the work vectors a solver sizes together. */
export function float64Vectors(count: number, length: number): Float64Array[] {
  return Array.from({ length: count }, () => new Float64Array(length));
}

/** Each of `arrays` resized to `length` (see `resized`): the columns of one table grow together. */
export function resizedEach<T extends NumberArray>(arrays: readonly T[], length: number): T[] {
  return arrays.map((a) => resized(a, length));
}

/** `capacity` doubled until it holds `need` elements (capacity itself when it already does). */
export function doubledCapacity(capacity: number, need: number): number {
  let size = capacity;
  while (size < need) size *= 2;
  return size;
}
