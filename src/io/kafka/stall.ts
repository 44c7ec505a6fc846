// What to do about a consumer that made no progress for a while: the times it compares and the decision, apart from
// the clients that feed it.
import type { ProcessorState } from './processor-state.js';

/** Input waiting while nothing was ingested or committed for this long is reported, with what the loop waits on. */
export const STALL_REPORT_MS = 20_000;

export interface StallFacts {
  /** Only a running processor is watched: one stopping or failed has its own way out. */
  state: ProcessorState;
  /** Since the last message ingested or transaction committed. */
  idleMs: number;
  /** Messages on the broker beyond the consumer's positions, over its assigned partitions. */
  waiting: number;
  commitUnderWay: boolean;
  fetchingPaused: boolean;
  /** The brokers were found unreachable, or partitions were revoked, after the last progress. */
  brokerTroubleSince: boolean;
}

export type StallAction = 'none' | 'report' | 'replace-consumer';

/**
 * A consumer behind the broker's end that neither fetches nor commits is reported. It is replaced only when the
 * brokers were unreachable or partitions were revoked since its last progress (librdkafka can leave a consumer that
 * reconnected after a broker restart never fetching again, or never completing its rejoin) and nothing else explains
 * the wait: a commit under way or paused fetching has its
 * own way out, and without broker trouble a producer's open transaction may be holding the input back.
 */
export function stallAction(f: StallFacts): StallAction {
  if (f.state !== 'running') return 'none';
  if (f.idleMs < STALL_REPORT_MS || f.waiting === 0) return 'none';
  if (f.commitUnderWay || f.fetchingPaused || !f.brokerTroubleSince) return 'report';
  return 'replace-consumer';
}

/** The times (performance.now() ms) the watch compares: last progress, broker trouble, revocation, last look. */
export class StallWatch {
  private lastProgressAt: number;
  private lastCheckAt = 0;
  private brokerTroubleAt = 0;
  private revokedAt = 0;
  /** The group's committed input offsets at the last look of a process without partitions. */
  private groupOffsetsSeen = '';

  constructor(now: number) {
    this.lastProgressAt = now;
  }

  /** A message was ingested (or a replaced consumer is given a fresh start, so one outage replaces it once). */
  progressed(now: number): void {
    this.lastProgressAt = now;
  }

  brokerTrouble(now: number): void {
    this.brokerTroubleAt = now;
  }

  revoked(now: number): void {
    this.revokedAt = now;
  }

  /** Since the last message ingested or transaction committed. */
  idleMs(now: number, lastCommittedAt: number): number {
    return now - Math.max(this.lastProgressAt, lastCommittedAt);
  }

  /**
   * Whether to ask the broker now (and if so, the look is counted): a running processor, idle for the report period,
   * not looked at within it, and not waiting on its own workers (backpressure pauses fetching by design).
   */
  checkDue(now: number, lastCommittedAt: number, state: ProcessorState, backpressured: boolean): boolean {
    if (
      this.idleMs(now, lastCommittedAt) < STALL_REPORT_MS ||
      now - this.lastCheckAt < STALL_REPORT_MS ||
      backpressured ||
      state !== 'running'
    )
      return false;
    this.lastCheckAt = now;
    return true;
  }

  /** The brokers were unreachable, or partitions were revoked, after the last progress. */
  troubleSinceProgress(lastCommittedAt: number): boolean {
    return Math.max(this.brokerTroubleAt, this.revokedAt) > Math.max(this.lastProgressAt, lastCommittedAt);
  }

  /** Whether the group's committed offsets (`key`) moved since the last look; remembers them. */
  groupOffsetsMoved(key: string): boolean {
    const moved = key !== this.groupOffsetsSeen;
    this.groupOffsetsSeen = key;
    return moved;
  }
}
