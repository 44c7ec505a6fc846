// Single-threaded reference of the stream semantics, for tests only: plain objects, raw value lists, exact
// aggregates recomputed from scratch, and brute-force window assignment. Written apart from src/stream so
// that the engine is checked against a second reading of the rules, not against itself.
import type { SensorCatalog } from '../../src/telemetry/catalog.js';
import { METRICS } from '../../src/telemetry/metrics.js';
import type { Reading } from '../../src/telemetry/reading.js';
import type { OperatorSpec, WatermarkSpec } from '../../src/stream/spec.js';
import type { WindowResult } from '../../src/stream/results.js';

export interface RefMessage {
  partition: string;
  readings: Reading[];
}

interface Win {
  key: string;
  start: number;
  end: number;
  points: { ts: number; value: number }[];
  emits: number;
  dirty: boolean;
}

function exactAggregate(name: string, pts: { ts: number; value: number }[]): number | null {
  const vals = pts.map((p) => p.value);
  const n = vals.length;
  if (name === 'count') return n;
  if (name === 'sum') return vals.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  switch (name) {
    case 'min':
      return Math.min(...vals);
    case 'max':
      return Math.max(...vals);
    case 'mean':
      return vals.reduce((a, b) => a + b, 0) / n;
    case 'variance': {
      if (n < 2) return null;
      const mean = vals.reduce((a, b) => a + b, 0) / n;
      return vals.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
    }
    case 'last': {
      let best = pts[0];
      for (const p of pts) if (p.ts >= best.ts) best = p;
      return best.value;
    }
    default: {
      const q = { p50: 0.5, p95: 0.95, p99: 0.99 }[name]!;
      const sorted = [...vals].sort((a, b) => a - b);
      return sorted[Math.floor(q * (n - 1))];
    }
  }
}

class RefOperator {
  windows: Win[] = [];
  constructor(readonly spec: OperatorSpec) {}

  add(key: string, ts: number, value: number, w: number): boolean {
    const { window, allowedLatenessMs: late } = this.spec;
    const alive = (end: number) => end - 1 + late > w;
    if (window.type === 'tumbling' || window.type === 'hopping') {
      const size = window.sizeMs;
      const slide = window.type === 'hopping' ? window.slideMs : size;
      const offset = window.offsetMs ?? 0;
      let any = false;
      for (let k = Math.floor((ts - offset - size) / slide) - 1; k * slide + offset <= ts; k++) {
        const start = k * slide + offset;
        if (!(start <= ts && ts < start + size) || !alive(start + size)) continue;
        let win = this.windows.find((x) => x.key === key && x.start === start);
        if (!win) this.windows.push((win = { key, start, end: start + size, points: [], emits: 0, dirty: false }));
        win.points.push({ ts, value });
        win.dirty = true;
        any = true;
      }
      return any;
    }
    if (window.type === 'session') {
      const gap = window.gapMs;
      const touching = this.windows
        .filter((x) => x.key === key && x.start < ts + gap && ts < x.end)
        .sort((a, b) => a.start - b.start);
      const start = Math.min(ts, ...touching.map((x) => x.start));
      const end = Math.max(ts + gap, ...touching.map((x) => x.end));
      if (!alive(end)) return false;
      this.windows = this.windows.filter((x) => !touching.includes(x));
      const merged: Win = {
        key,
        start,
        end,
        points: [...touching.flatMap((x) => x.points), { ts, value }],
        emits: Math.max(0, ...touching.map((x) => x.emits)),
        dirty: true,
      };
      this.windows.push(merged);
      return true;
    }
    // sliding: the window of a reading's own time must still be alive
    if (!alive(ts + 1)) return false;
    this.windows.push({ key, start: ts, end: ts, points: [{ ts, value }], emits: 0, dirty: false });
    return true;
  }

  step(w: number): WindowResult[] {
    const out: WindowResult[] = [];
    const { spec } = this;
    const emit = (key: string, start: number, end: number, revision: number, pts: { ts: number; value: number }[]) => {
      const values: Record<string, number | null> = {};
      for (const a of spec.aggregates) values[a] = exactAggregate(a, pts);
      out.push({ operator: spec.name, metric: spec.metric, key, start, end, revision, values });
    };
    if (spec.window.type === 'sliding') {
      this.stepSliding(w, emit);
      return out;
    }
    for (const win of this.windows) {
      if (win.end - 1 <= w && (win.emits === 0 || win.dirty)) {
        emit(win.key, win.start, win.end, win.emits++, win.points);
        win.dirty = false;
      }
    }
    this.windows = this.windows.filter((x) => x.end - 1 + spec.allowedLatenessMs > w);
    return out;
  }

  // Sliding windows are kept as raw readings (start = end = ts); results are derived per distinct time.
  private emitted = new Map<string, number>();
  private pending = new Set<string>();

  private stepSliding(
    w: number,
    emit: (k: string, s: number, e: number, r: number, p: { ts: number; value: number }[]) => void,
  ): void {
    const size = (this.spec.window as { sizeMs: number }).sizeMs;
    const late = this.spec.allowedLatenessMs;
    for (const r of this.windows.filter((x) => x.emits === 0 && !x.dirty)) {
      // a new reading: its own window and every later window within `size` change
      for (const o of this.windows)
        if (o.key === r.key && o.start >= r.start && o.start < r.start + size)
          this.pending.add(`${o.key}\u0000${o.start}`);
      r.dirty = true;
    }
    const due = [...this.pending]
      .map((id) => ({ id, key: id.split('\u0000')[0], t: Number(id.split('\u0000')[1]) }))
      .filter((d) => d.t <= w);
    for (const d of due) {
      this.pending.delete(d.id);
      const pts = this.windows
        .filter((x) => x.key === d.key && x.start > d.t - size && x.start <= d.t)
        .map((x) => x.points[0]);
      const rev = this.emitted.get(d.id) ?? 0;
      this.emitted.set(d.id, rev + 1);
      emit(d.key, d.t - size + 1, d.t + 1, rev, pts);
    }
    this.windows = this.windows.filter((x) => x.start + size - 1 + late > w);
    for (const id of this.emitted.keys()) if (Number(id.split('\u0000')[1]) + late <= w) this.emitted.delete(id);
  }
}

export interface RefOutput {
  results: WindowResult[];
  late: number;
  invalid: number;
}

/** Runs messages in order: each message's readings, then the watermark step; at the end the watermark goes to +inf. */
export function runReference(
  catalog: SensorCatalog,
  operators: OperatorSpec[],
  wm: WatermarkSpec,
  messages: RefMessage[],
  nowMs: number,
  maxFutureMs: number,
): RefOutput {
  const ops = operators.map((s) => new RefOperator(s));
  const maxTs = new Map<string, number>();
  let w = -Infinity;
  const results: WindowResult[] = [];
  let late = 0;
  let invalid = 0;
  const kinds = ['detector', 'feeder-meter', 'dr-resource', 'bin', 'weather'];
  const step = (next: number) => {
    w = next;
    for (const op of ops) {
      const emitted = op.step(w);
      results.push(...emitted);
    }
  };
  for (const msg of messages) {
    let msgMax = -Infinity;
    for (const r of msg.readings) {
      const s = catalog.index.get(r.sensor);
      const spec = METRICS.find((m) => m.name === r.metric);
      const ok =
        s !== undefined &&
        spec !== undefined &&
        kinds[catalog.kind[s]] === spec.sensorKind &&
        Number.isFinite(r.ts) &&
        Number.isFinite(r.value) &&
        r.ts >= 0 &&
        r.ts <= nowMs + maxFutureMs &&
        r.value >= spec.min &&
        r.value <= spec.max;
      if (!ok) {
        invalid++;
        continue;
      }
      msgMax = Math.max(msgMax, r.ts);
      if (r.quality === 'bad') continue;
      for (const op of ops) {
        if (op.spec.metric !== r.metric) continue;
        const k = catalog.groupings.get(op.spec.keyBy)!.ofSensor[s!];
        if (k < 0) continue;
        if (!op.add(catalog.groupings.get(op.spec.keyBy)!.keys[k], r.ts, r.value, w)) late++;
      }
    }
    if (msgMax > -Infinity) maxTs.set(msg.partition, Math.max(maxTs.get(msg.partition) ?? -Infinity, msgMax));
    const candidate = Math.min(...[...maxTs.values()].map((t) => t - wm.outOfOrdernessMs - 1));
    if (maxTs.size > 0 && candidate > w) step(candidate);
  }
  step(Infinity);
  return { results, late, invalid };
}
