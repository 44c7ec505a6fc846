// The arrays of the master basis's LU factors in a WebAssembly memory, and the solves with them (basis-lu-kernels.wat).
import { basisLuKernelsWasm } from './basis-lu-kernels.wasm.js';

/** Compiled once per thread; each LuArrays instantiates it with a memory of its own (and again with a larger one). */
const compiled = new WebAssembly.Module(Buffer.from(basisLuKernelsWasm, 'base64'));

const F64_ARRAYS = ['pivVal', 'lVal', 'uVal', 'etaVal', 'etaG', 'work', 'input', 'output'] as const;
const I32_ARRAYS = [
  'pivRow',
  'pivCol',
  'lStart',
  'lIdx',
  'uStart',
  'uIdx',
  'etaStart',
  'etaIdx',
  'etaKind',
  'etaP',
  'memberStart',
  'members',
] as const;
type F64Name = (typeof F64_ARRAYS)[number];
type I32Name = (typeof I32_ARRAYS)[number];
export type LuArrayName = F64Name | I32Name;

/** ftran and btran of the .wat: m, then the byte offsets of the vectors and arrays, and the operator count. */
type Solve = (
  m: number,
  input: number,
  output: number,
  work: number,
  pivRow: number,
  pivCol: number,
  pivVal: number,
  lStart: number,
  lIdx: number,
  lVal: number,
  uStart: number,
  uIdx: number,
  uVal: number,
  nEta: number,
  etaStart: number,
  etaIdx: number,
  etaVal: number,
  etaKind: number,
  etaP: number,
  etaG: number,
  memberStart: number,
  members: number,
) => void;

const PAGE = 65_536;

/**
 * The factors' and update operators' arrays, as views of one WebAssembly memory that the kernels read. An array grows
 * by moving to a new region at the end (the old one is not reused: arrays grow by doubling, so that wastes at most as
 * much as they hold). When the memory is full a larger one replaces it, with a new instance of the kernels, and every
 * view is taken again. The memory is never grown in place: that detaches its buffer, and once any buffer of a thread
 * is detached V8's optimized code checks every typed array access for it again (measured: the target-only 1000 × 96
 * master 0.52-0.58 s against 0.66-0.72 s on the benchmark's solver thread). Read the views afresh after reserve(): a
 * view taken before may belong to the memory replaced.
 */
export class LuArrays {
  pivVal = new Float64Array(0);
  lVal = new Float64Array(0);
  uVal = new Float64Array(0);
  etaVal = new Float64Array(0);
  etaG = new Float64Array(0);
  /** Scratch of the solves, and the vectors a solve reads and writes (copied in and out by the caller). */
  work = new Float64Array(0);
  input = new Float64Array(0);
  output = new Float64Array(0);
  pivRow = new Int32Array(0);
  pivCol = new Int32Array(0);
  lStart = new Int32Array(0);
  lIdx = new Int32Array(0);
  uStart = new Int32Array(0);
  uIdx = new Int32Array(0);
  etaStart = new Int32Array(0);
  etaIdx = new Int32Array(0);
  etaKind = new Int32Array(0);
  etaP = new Int32Array(0);
  memberStart = new Int32Array(0);
  members = new Int32Array(0);
  private memory = new WebAssembly.Memory({ initial: 1 });
  private readonly region = new Map<LuArrayName, { at: number; length: number }>();
  /** First free byte (0 is left unused). */
  private top = 8;
  private ftranKernel!: Solve;
  private btranKernel!: Solve;

  constructor() {
    this.instantiate();
  }

  private instantiate(): void {
    const { exports } = new WebAssembly.Instance(compiled, { env: { memory: this.memory } });
    this.ftranKernel = exports.ftran as Solve;
    this.btranKernel = exports.btran as Solve;
  }

  /** Gives array `name` room for at least `length` elements, keeping its first `keep`. */
  reserve(name: LuArrayName, length: number, keep = 0): void {
    const old = this.region.get(name);
    if (old && old.length >= length) return;
    const bytes = (F64_ARRAYS as readonly string[]).includes(name) ? 8 : 4;
    const at = Math.ceil(this.top / 8) * 8;
    const end = at + bytes * length;
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      const larger = new WebAssembly.Memory({ initial: Math.ceil(Math.max(end, 2 * size) / PAGE) });
      new Uint8Array(larger.buffer).set(new Uint8Array(this.memory.buffer, 0, this.top));
      this.memory = larger;
      this.instantiate();
    }
    if (old && keep > 0) new Uint8Array(this.memory.buffer).copyWithin(at, old.at, old.at + bytes * keep);
    this.region.set(name, { at, length });
    this.top = end;
    this.views();
  }

  private views(): void {
    const { buffer } = this.memory;
    const self = this as unknown as Record<LuArrayName, Float64Array | Int32Array>;
    for (const name of F64_ARRAYS) {
      const r = this.region.get(name);
      self[name] = r ? new Float64Array(buffer, r.at, r.length) : new Float64Array(0);
    }
    for (const name of I32_ARRAYS) {
      const r = this.region.get(name);
      self[name] = r ? new Int32Array(buffer, r.at, r.length) : new Int32Array(0);
    }
  }

  /** output = W⁻¹·input over m rows, with `nEta` update operators (see BasisLu.ftran). */
  ftran(m: number, nEta: number): void {
    this.kernel(this.ftranKernel, m, nEta);
  }

  /** output = inputᵀ·W⁻¹ over m rows, with `nEta` update operators (see BasisLu.btran). */
  btran(m: number, nEta: number): void {
    this.kernel(this.btranKernel, m, nEta);
  }

  private kernel(solve: Solve, m: number, nEta: number): void {
    solve(
      m,
      this.input.byteOffset,
      this.output.byteOffset,
      this.work.byteOffset,
      this.pivRow.byteOffset,
      this.pivCol.byteOffset,
      this.pivVal.byteOffset,
      this.lStart.byteOffset,
      this.lIdx.byteOffset,
      this.lVal.byteOffset,
      this.uStart.byteOffset,
      this.uIdx.byteOffset,
      this.uVal.byteOffset,
      nEta,
      this.etaStart.byteOffset,
      this.etaIdx.byteOffset,
      this.etaVal.byteOffset,
      this.etaKind.byteOffset,
      this.etaP.byteOffset,
      this.etaG.byteOffset,
      this.memberStart.byteOffset,
      this.members.byteOffset,
    );
  }
}
