// The Kafka processor's lifecycle as a state machine: named states, named transitions, and the one table of which
// transition is legal from which state (an illegal one is a programming error, thrown with a stable code).
import { UrbanflowError } from '../../errors.js';

/**
 * - `created`: constructed, no client connected.
 * - `starting`: connecting, creating topics and the consumer; rebalance callbacks may already run.
 * - `running`: the poll loop, the broker probe and the backpressure watch run.
 * - `failed`: a fatal error stopped the loop; the error is kept until `stop()` releases the clients.
 * - `stopping`: the loop ends and what was processed is committed.
 * - `closing`: clients disconnect; rebalance callbacks only release partitions.
 * - `stopped`: every client is closed.
 */
export type ProcessorState = 'created' | 'starting' | 'running' | 'failed' | 'stopping' | 'closing' | 'stopped';

export const PROCESSOR_TRANSITIONS = {
  start: { from: ['created'], to: 'starting' },
  started: { from: ['starting'], to: 'running' },
  fail: { from: ['running'], to: 'failed' },
  stop: { from: ['created', 'starting', 'running', 'failed'], to: 'stopping' },
  committed: { from: ['stopping'], to: 'closing' },
  closed: { from: ['closing'], to: 'stopped' },
} as const satisfies Record<string, { from: readonly ProcessorState[]; to: ProcessorState }>;

export type ProcessorTransition = keyof typeof PROCESSOR_TRANSITIONS;

export class ProcessorStateError extends UrbanflowError {
  constructor(transition: ProcessorTransition, state: ProcessorState) {
    super('UF_ERR_INTERNAL', `kafka processor: transition "${transition}" is not allowed in state ${state}`, {
      transition,
      state,
    });
    this.name = 'ProcessorStateError';
  }
}

/** The current state; `go` moves it along a legal transition or throws ProcessorStateError. */
export class ProcessorLifecycle {
  private current: ProcessorState = 'created';

  get state(): ProcessorState {
    return this.current;
  }

  /** Whether `transition` is legal now. */
  can(transition: ProcessorTransition): boolean {
    return (PROCESSOR_TRANSITIONS[transition].from as readonly ProcessorState[]).includes(this.current);
  }

  go(transition: ProcessorTransition): void {
    if (!this.can(transition)) throw new ProcessorStateError(transition, this.current);
    this.current = PROCESSOR_TRANSITIONS[transition].to;
  }

  /** The loop, the probe and the watches run. */
  get running(): boolean {
    return this.current === 'running';
  }

  /** `stop()` was called: it runs or ran once. */
  get stopRequested(): boolean {
    return this.current === 'stopping' || this.current === 'closing' || this.current === 'stopped';
  }

  /** Clients are being (or were) disconnected: partitions handed out now are only released. */
  get closing(): boolean {
    return this.current === 'closing' || this.current === 'stopped';
  }
}
