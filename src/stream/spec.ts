// Declarations of stream operators: which metric, grouped by which key, over which window, with which aggregates.
import type { AggregateName } from './aggregates.js';

export type WindowSpec =
  | { type: 'tumbling'; sizeMs: number; offsetMs?: number }
  | { type: 'hopping'; sizeMs: number; slideMs: number; offsetMs?: number }
  /** One window per distinct event time t of a key, covering (t - size, t]. */
  | { type: 'sliding'; sizeMs: number }
  /** Readings of a key closer than the gap form one session [first ts, last ts + gap). */
  | { type: 'session'; gapMs: number };

export interface OperatorSpec {
  /** Unique name, used in the API and in result records. */
  name: string;
  metric: string;
  /** Grouping from the sensor catalog: `sensor`, or an owning entity such as `feeder`, `approach`, `bin`. */
  keyBy: string;
  window: WindowSpec;
  aggregates: AggregateName[];
  /** How long after a window closes a late reading still revises it. */
  allowedLatenessMs: number;
}

export interface WatermarkSpec {
  /** Bounded out-of-orderness: the watermark trails the largest event time seen by this much. */
  outOfOrdernessMs: number;
  /** A source partition silent for this long (processing time) no longer holds the watermark back. */
  idleTimeoutMs: number;
}
