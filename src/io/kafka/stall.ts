// What to do about a consumer that made no progress for a while: the decision, apart from the clients that feed it.

/** Input waiting while nothing was ingested or committed for this long is reported, with what the loop waits on. */
export const STALL_REPORT_MS = 20_000;

export interface StallFacts {
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
  if (f.idleMs < STALL_REPORT_MS || f.waiting === 0) return 'none';
  if (f.commitUnderWay || f.fetchingPaused || !f.brokerTroubleSince) return 'report';
  return 'replace-consumer';
}
