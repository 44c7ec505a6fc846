// Event-time watermark: the minimum over active sources of (largest event time - out-of-orderness - 1).
import type { WatermarkSpec } from './spec.js';

/** A tracker's state for checkpoints: the watermark and each partition's largest event time. */
export interface WatermarkState {
  value: number;
  partitions: [string, number][];
}

interface PartitionClock {
  maxTs: number;
  lastSeenMs: number;
}

/**
 * Each source (partition: an HTTP client's key, the simulator, a Kafka partition) has its own watermark, and the
 * engine's is their minimum, as Flink combines per-split watermarks: a source whose readings run ahead (within the
 * future bound of validation) cannot close the windows of the others. A source silent for longer than the idle
 * timeout (processing time, passed in) stops holding the watermark back, so one quiet sensor gateway does not stall
 * every window; a source with a message still being taken in (`begin`/`end`, e.g. waiting on busy workers) is not
 * silent. The watermark never goes back: readings from a source that wakes up behind it are late.
 */
export class WatermarkTracker {
  private readonly partitions = new Map<string, PartitionClock>();
  /** Sources with messages in progress, and how many. */
  private readonly busy = new Map<string, number>();
  private value = -Infinity;

  constructor(private readonly spec: WatermarkSpec) {}

  get current(): number {
    return this.value;
  }

  observe(partition: string, maxTs: number, nowMs: number): void {
    let p = this.partitions.get(partition);
    if (!p) this.partitions.set(partition, (p = { maxTs: -Infinity, lastSeenMs: nowMs }));
    if (maxTs > p.maxTs) p.maxTs = maxTs;
    p.lastSeenMs = nowMs;
  }

  /** A message of `partition` is being taken in: the source counts as active until `end`. */
  begin(partition: string): void {
    this.busy.set(partition, (this.busy.get(partition) ?? 0) + 1);
  }

  end(partition: string): void {
    const n = (this.busy.get(partition) ?? 1) - 1;
    if (n > 0) this.busy.set(partition, n);
    else this.busy.delete(partition);
  }

  /** Recomputes the watermark at processing time `nowMs`; returns true when it advanced. */
  update(nowMs: number): boolean {
    let min = Infinity;
    for (const [name, p] of this.partitions) {
      if (nowMs - p.lastSeenMs > this.spec.idleTimeoutMs && !this.busy.has(name)) continue;
      const w = p.maxTs - this.spec.outOfOrdernessMs - 1;
      if (w < min) min = w;
    }
    if (min !== Infinity && min > this.value) {
      this.value = min;
      return true;
    }
    return false;
  }

  /** Each source's largest event time and when it was last seen (processing time), for lag per source. */
  sources(nowMs: number): { source: string; maxTs: number; lastSeenMs: number; idle: boolean }[] {
    return [...this.partitions].map(([source, p]) => ({
      source,
      maxTs: p.maxTs,
      lastSeenMs: p.lastSeenMs,
      idle: nowMs - p.lastSeenMs > this.spec.idleTimeoutMs && !this.busy.has(source),
    }));
  }

  snapshot(): WatermarkState {
    return { value: this.value, partitions: [...this.partitions].map(([name, p]) => [name, p.maxTs]) };
  }

  /** Continues from a snapshot; restored partitions count as seen at `nowMs` (processing time restarts). */
  restore(state: WatermarkState, nowMs = 0): void {
    this.value = state.value;
    this.partitions.clear();
    for (const [name, maxTs] of state.partitions) this.partitions.set(name, { maxTs, lastSeenMs: nowMs });
  }

  /** End of input: every window may close. */
  finish(): boolean {
    if (this.value === Infinity) return false;
    this.value = Infinity;
    return true;
  }
}
