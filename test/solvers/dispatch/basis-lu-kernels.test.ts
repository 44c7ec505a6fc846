// The WebAssembly solves of the master's LU: built from their source, and the same arithmetic as the loops they
// replaced, to the bit, on random factors and update operators (the master's pivots, and so its plans, depend on it).
import { describe, expect, it } from 'vitest';
import { LuArrays } from '../../../solvers/dispatch/decomposition/basis-lu-kernels.js';
import { basisLuKernelsWasm } from '../../../solvers/dispatch/decomposition/basis-lu-kernels.wasm.js';
import { compileWat } from '../../../tools/build-wasm.mjs';
import { rng } from './helpers.js';

interface Factors {
  m: number;
  pivRow: Int32Array;
  pivCol: Int32Array;
  pivVal: Float64Array;
  lStart: Int32Array;
  lIdx: Int32Array;
  lVal: Float64Array;
  uStart: Int32Array;
  uIdx: Int32Array;
  uVal: Float64Array;
  etaStart: Int32Array;
  etaIdx: Int32Array;
  etaVal: Float64Array;
  etaKind: Int32Array;
  etaP: Int32Array;
  etaG: Float64Array;
  memberStart: Int32Array;
  members: Int32Array;
}

/** The TypeScript solves the kernels replaced, as they were. */
function ftranReference(f: Factors, v: Float64Array): Float64Array {
  const { m, pivRow, pivCol, pivVal, lStart, lIdx, lVal, uStart, uIdx, uVal } = f;
  const w = v.slice();
  const out = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const t = w[pivRow[k]];
    if (t === 0) continue;
    for (let e = lStart[k]; e < lStart[k + 1]; e++) w[lIdx[e]] -= lVal[e] * t;
  }
  for (let k = m - 1; k >= 0; k--) {
    let s = w[pivRow[k]];
    for (let e = uStart[k]; e < uStart[k + 1]; e++) s -= uVal[e] * out[uIdx[e]];
    out[pivCol[k]] = s / pivVal[k];
  }
  for (let s = 0; s < f.etaKind.length; s++) {
    const [e0, e1] = [f.etaStart[s], f.etaStart[s + 1]];
    if (f.etaKind[s] === 0) {
      const p = f.etaP[s];
      const vp = out[p] / f.etaG[s];
      if (vp !== 0) for (let e = e0; e < e1; e++) out[f.etaIdx[e]] -= f.etaVal[e] * vp;
      out[p] = vp;
    } else {
      let sum = 0;
      for (let i = f.memberStart[s]; i < f.memberStart[s + 1]; i++) sum += out[f.members[i]];
      const g = f.etaG[s] * sum;
      if (g !== 0) for (let e = e0; e < e1; e++) out[f.etaIdx[e]] -= g * f.etaVal[e];
    }
  }
  return out;
}

function btranReference(f: Factors, c: Float64Array): Float64Array {
  const { m, pivRow, pivCol, pivVal, lStart, lIdx, lVal, uStart, uIdx, uVal } = f;
  const acc = c.slice();
  const out = new Float64Array(m);
  for (let s = f.etaKind.length - 1; s >= 0; s--) {
    let dot = 0;
    for (let e = f.etaStart[s]; e < f.etaStart[s + 1]; e++) dot += acc[f.etaIdx[e]] * f.etaVal[e];
    if (f.etaKind[s] === 0) {
      const p = f.etaP[s];
      const ap = f.etaG[s];
      acc[p] = (acc[p] - (dot - acc[p] * ap)) / ap;
    } else {
      const g = f.etaG[s] * dot;
      if (g !== 0) for (let i = f.memberStart[s]; i < f.memberStart[s + 1]; i++) acc[f.members[i]] -= g;
    }
  }
  for (let k = 0; k < m; k++) {
    const z = acc[pivCol[k]] / pivVal[k];
    out[pivRow[k]] = z;
    if (z === 0) continue;
    for (let e = uStart[k]; e < uStart[k + 1]; e++) acc[uIdx[e]] -= z * uVal[e];
  }
  for (let k = m - 1; k >= 0; k--) {
    let s = 0;
    for (let e = lStart[k]; e < lStart[k + 1]; e++) s += out[lIdx[e]] * lVal[e];
    out[pivRow[k]] -= s;
  }
  return out;
}

/** Random factors in the layout BasisLu keeps (any values: the solves are compared, not their meaning). */
function randomFactors(rand: () => number, m: number, perRow: number, operators: number): Factors {
  const perm = (n: number) => {
    const p = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  };
  const value = () => (rand() < 0.2 ? 0 : rand() * 4 - 2);
  const lists = (n: number, pick: (k: number) => number, count: (k: number) => number) => {
    const start = new Int32Array(n + 1);
    const idx: number[] = [];
    for (let k = 0; k < n; k++) {
      for (let e = count(k); e > 0; e--) idx.push(pick(k));
      start[k + 1] = idx.length;
    }
    return { start, idx: Int32Array.from(idx), val: Float64Array.from(idx, value) };
  };
  const pos = () => Math.floor(rand() * m);
  const pivRow = perm(m);
  const pivCol = perm(m);
  // as a factorization leaves them: pivot k's L entries are rows, and its U entries positions, pivoted after it
  const later = (k: number) => k + 1 + Math.floor(rand() * (m - k - 1));
  const few = (k: number) => (k + 1 < m ? Math.floor(rand() * perRow) : 0);
  const L = lists(m, (k) => pivRow[later(k)], few);
  const U = lists(m, (k) => pivCol[later(k)], few);
  const E = lists(operators, pos, () => Math.floor(rand() * m));
  const M = lists(operators, pos, () => Math.floor(rand() * 4));
  const etaKind = Int32Array.from({ length: operators }, () => (rand() < 0.3 ? 1 : 0));
  return {
    m,
    pivRow,
    pivCol,
    pivVal: Float64Array.from({ length: m }, () => (rand() < 0.5 ? -1 : 1) * (0.5 + rand())),
    lStart: L.start,
    lIdx: L.idx,
    lVal: L.val,
    uStart: U.start,
    uIdx: U.idx,
    uVal: U.val,
    etaStart: E.start,
    etaIdx: E.idx,
    etaVal: E.val,
    etaKind,
    etaP: Int32Array.from(etaKind, (k) => (k === 0 ? pos() : -1)),
    etaG: Float64Array.from({ length: operators }, () => (rand() < 0.5 ? -1 : 1) * (0.5 + rand())),
    memberStart: M.start,
    members: M.idx,
  };
}

/** The doubles' bytes: equal only when every value is the same to the bit (zeros' signs included). */
const bits = (a: Float64Array) => new Uint8Array(a.slice().buffer);

describe('the LU solves in WebAssembly', () => {
  it('are built from basis-lu-kernels.wat as it stands (npm run build:wasm)', async () => {
    const wat = 'solvers/dispatch/decomposition/basis-lu-kernels.wat';
    expect(await compileWat(wat)).toBe(basisLuKernelsWasm);
  });

  it('give the same bits as the TypeScript loops, with arrays moved and the memory grown in between', () => {
    const s = new LuArrays();
    for (let seed = 1; seed <= 12; seed++) {
      const rand = rng(seed);
      for (let k = 0; k < 5; k++) rand();
      // up to 600 rows and 100 operators: the later cases outgrow the memory the earlier ones were laid out in
      const m = 1 + Math.floor(rand() * 600);
      const f = randomFactors(rand, m, 1 + Math.floor(rand() * 12), Math.floor(rand() * 100));
      const names = Object.keys(f).filter((k) => k !== 'm') as (keyof Omit<Factors, 'm'>)[];
      for (const name of names) {
        s.reserve(name, f[name].length + 1, 0);
        (s[name] as { set(values: ArrayLike<number>): void }).set(f[name]);
      }
      for (const name of ['work', 'input', 'output'] as const) s.reserve(name, m);
      for (let trial = 0; trial < 3; trial++) {
        const v = Float64Array.from({ length: m }, () => (rand() < 0.6 ? 0 : rand() * 2 - 1));
        s.input.set(v);
        s.ftran(m, f.etaKind.length);
        expect(bits(s.output.subarray(0, m))).toEqual(bits(ftranReference(f, v)));
        s.input.set(v);
        s.btran(m, f.etaKind.length);
        expect(bits(s.output.subarray(0, m))).toEqual(bits(btranReference(f, v)));
      }
    }
  });

  it('keep an array’s first entries when it moves, and every array’s when the memory is replaced', () => {
    const s = new LuArrays();
    s.reserve('lVal', 4);
    s.lVal.set([1, 2, 3, 4]);
    // room for another array outgrows the memory: a larger one takes every array's entries
    s.reserve('uIdx', 100_000);
    expect(Array.from(s.lVal)).toEqual([1, 2, 3, 4]);
    s.reserve('lVal', 200_000, 3);
    expect(Array.from(s.lVal.subarray(0, 4))).toEqual([1, 2, 3, 0]);
    expect(s.lVal.length).toBe(200_000);
  });
});
