// Seeded pseudo-random numbers and stateless hashes: every seeded random choice in the project comes from here.
// Three generators, each kept because seeded outputs (generated cities, benchmark cases, test streams) depend on
// its exact sequence: sfc32 (`Rng`) for the city and the simulator, mulberry32 for signal cases and test streams,
// xorshift32 for dispatch cases.

const TABLE_BITS = 12;
const TABLE_SIZE = 1 << TABLE_BITS;

/** Standard normal quantiles at the midpoints of 4096 equal-probability cells (Acklam's rational approximation). */
const NORMAL_TABLE = (() => {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = (p: number): number => {
    if (p < 0.02425) {
      const r = Math.sqrt(-2 * Math.log(p));
      return (
        (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) /
        ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
      );
    }
    if (p > 1 - 0.02425) return -q(1 - p);
    const r0 = p - 0.5;
    const r = r0 * r0;
    return (
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * r0) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    );
  };
  const t = new Float64Array(TABLE_SIZE);
  for (let i = 0; i < TABLE_SIZE; i++) t[i] = q((i + 0.5) / TABLE_SIZE);
  return t;
})();

/** sfc32: a small fast generator with 128 bits of state; the same seed gives the same sequence on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = 0x9e3779b9 ^ (seed | 0);
    this.b = hash32(seed | 0, stream | 0);
    this.c = hash32(stream | 0, 0x85ebca6b);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Standard normal, from a 4096-cell quantile table (fast; tails cut at about ±3.5). */
  normal(): number {
    return NORMAL_TABLE[this.u32() >>> (32 - TABLE_BITS)];
  }

  /** Poisson-distributed count with mean `lambda` (normal approximation above 30). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }
}

/** A stateless 32-bit hash of two integers (murmur3 finalizer), for values that must not depend on generation order. */
export function hash32(x: number, y: number): number {
  let h = (Math.imul(x | 0, 0x9e3779b1) ^ Math.imul(y | 0, 0x85ebca77)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stateless standard normal for the pair (x, y). */
export function hashNormal(x: number, y: number): number {
  return NORMAL_TABLE[hash32(x, y) >>> (32 - TABLE_BITS)];
}

/** A stateless uniform in [0, 1) for the pair (x, y). */
export function hashFloat(x: number, y: number): number {
  return hash32(x, y) / 4294967296;
}

/** mulberry32: a 32-bit-state generator of uniforms in [0, 1), reproducible from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** xorshift32 (13, 17, 5): uniforms in [0, 1), reproducible from its seed (0 is taken as 1). */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
