// QoS 1 redeliveries counted once: the (sensor, metric, event time) of every reading taken at QoS 1, kept while a
// copy of it could still be aggregated (the allowed lateness), in generations that are saved with each checkpoint.
import { SafeIntegerSet } from './safe-integer-set.js';

/** One checkpoint's worth of keys: saved with the checkpoint, dropped once all of its event times are too late to matter. */
export interface SeenGeneration {
  id: number;
  maxTs: number;
  keys: Float64Array;
  /** Keys that do not fit a double exactly (event times far from the base): rare, kept as text. */
  textKeys: string[];
}

/**
 * A key is `(ts - base) * slots + slot` when that is an exact integer (slot = sensor * metrics + metric), else text.
 * The base is the first event time ever seen (kept with the checkpoints), so any city and decades of event time fit.
 */
export class RedeliveryFilter {
  private readonly seen = new SafeIntegerSet();
  private readonly seenText = new Set<string>();
  private readonly generations: SeenGeneration[] = [];
  private current: { keys: number[]; textKeys: string[]; maxTs: number };
  private nextId: number;
  duplicates = 0;

  constructor(
    private readonly slots: number,
    private readonly metrics: number,
    public base: number | undefined,
    restored: readonly SeenGeneration[] = [],
  ) {
    for (const g of restored) {
      this.generations.push(g);
      for (const k of g.keys) this.seen.add(k);
      for (const k of g.textKeys) this.seenText.add(k);
    }
    this.nextId = restored.reduce((n, g) => Math.max(n, g.id + 1), 0);
    this.current = { keys: [], textKeys: [], maxTs: -Infinity };
  }

  private key(sensor: number, metric: number, ts: number): number | string {
    this.base ??= ts;
    const k = (ts - this.base) * this.slots + sensor * this.metrics + metric;
    return Number.isSafeInteger(k) ? k : `${sensor}:${metric}:${ts}`;
  }

  /** True when this reading was taken before (a redelivery: skip it); otherwise records it and returns false. */
  seenBefore(sensor: number, metric: number, ts: number): boolean {
    const k = this.key(sensor, metric, ts);
    let fresh: boolean;
    if (typeof k === 'number') fresh = this.seen.add(k);
    else {
      fresh = !this.seenText.has(k);
      this.seenText.add(k);
    }
    if (!fresh) {
      this.duplicates++;
      return true;
    }
    if (typeof k === 'number') this.current.keys.push(k);
    else this.current.textKeys.push(k);
    if (ts > this.current.maxTs) this.current.maxTs = ts;
    return false;
  }

  get size(): number {
    return this.seen.size + this.seenText.size;
  }

  /** Closes the keys recorded since the last call into a generation, to be saved with the checkpoint; null if none. */
  seal(): SeenGeneration | null {
    const c = this.current;
    if (c.keys.length === 0 && c.textKeys.length === 0) return null;
    const g: SeenGeneration = {
      id: this.nextId++,
      maxTs: c.maxTs,
      keys: Float64Array.from(c.keys),
      textKeys: c.textKeys,
    };
    this.generations.push(g);
    this.current = { keys: [], textKeys: [], maxTs: -Infinity };
    return g;
  }

  /** Forgets generations whose readings are all at or before `horizonTs` (no copy could be aggregated any more); returns their ids. */
  expire(horizonTs: number): number[] {
    const gone: number[] = [];
    for (let i = 0; i < this.generations.length;) {
      const g = this.generations[i];
      if (g.maxTs > horizonTs) {
        i++;
        continue;
      }
      for (const k of g.keys) this.seen.delete(k);
      for (const k of g.textKeys) this.seenText.delete(k);
      this.generations.splice(i, 1);
      gone.push(g.id);
    }
    return gone;
  }
}
