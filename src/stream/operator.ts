// The window operator contract and the factory that builds one from its declaration.
import { AlignedWindowOperator } from './aligned-windows.js';
import { ChangeSet } from './changes.js';
import type { EmitBuffer } from './emit-buffer.js';
import { SessionWindowOperator } from './session-windows.js';
import { SlidingWindowOperator } from './sliding-windows.js';
import type { OperatorSpec } from './spec.js';
import type { StateReader, StateWriter } from './state-codec.js';

/**
 * Step semantics shared by every window type (and by the test reference):
 * - `add` folds a reading into every window it belongs to whose end - 1 + allowed lateness is still after the
 *   watermark; it returns false when no window took it (the reading is late).
 * - `advance()` ends a step at the current watermark w: every window with end - 1 <= w that never emitted emits revision 0, every one that
 *   took readings since its last emission emits the next revision, and windows with end - 1 + lateness <= w are
 *   dropped.
 */
export interface WindowOperator {
  add(key: number, ts: number, value: number): boolean;
  /** The current watermark; the caller raises it before each `advance` and before adding later readings. */
  watermark: number;
  advance(out: EmitBuffer): void;
  /** The smallest watermark at which `advance` has anything to do; callers skip it below that. */
  readonly nextDue: number;
  readonly activeWindows: number;
  /** Keys whose state changed since the last call (empty unless built with change tracking). */
  takeChanges(): Uint32Array;
  /** Writes every window of a key (accumulators bit for bit); false when the key holds no state. */
  writeKey(key: number, w: StateWriter): boolean;
  /** Restores a key written by `writeKey` into an operator that holds nothing for it yet. */
  readKey(key: number, r: StateReader): void;
  /** Called once after the last `readKey` of a restore. */
  restored(): void;
}

export function createWindowOperator(spec: OperatorSpec, keyCount: number, trackChanges = false): WindowOperator {
  const w = spec.window;
  const changes = trackChanges ? new ChangeSet(keyCount) : undefined;
  switch (w.type) {
    case 'tumbling':
      return new AlignedWindowOperator(
        spec.aggregates,
        w.sizeMs,
        w.sizeMs,
        w.offsetMs ?? 0,
        spec.allowedLatenessMs,
        keyCount,
        changes,
      );
    case 'hopping':
      return new AlignedWindowOperator(
        spec.aggregates,
        w.sizeMs,
        w.slideMs,
        w.offsetMs ?? 0,
        spec.allowedLatenessMs,
        keyCount,
        changes,
      );
    case 'sliding':
      return new SlidingWindowOperator(spec.aggregates, w.sizeMs, spec.allowedLatenessMs, changes);
    case 'session':
      return new SessionWindowOperator(spec.aggregates, w.gapMs, spec.allowedLatenessMs, changes);
  }
}
