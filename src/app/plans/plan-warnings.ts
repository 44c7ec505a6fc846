// What the last refresh could not do for each live plan (its forecast not ready, its recomputation failed): the warning every process of a group answers with.
import type { Replica } from '../replica.js';

export interface PlanWarning {
  /** Why the plan could not be computed for the current period (a lane-group forecast not ready). */
  notReady?: string;
  /** Why its latest recomputation failed. */
  failure?: string;
}

function normalized(w: PlanWarning): PlanWarning {
  return {
    ...(w.notReady !== undefined ? { notReady: w.notReady } : {}),
    ...(w.failure !== undefined ? { failure: w.failure } : {}),
  };
}

/**
 * Alone, the refreshing service keeps them. In a group, the leader refreshes: it publishes a plan's warning when
 * it changes (null when none is left), and every process, the leader included, answers with the warnings it read,
 * in the replica's one order, so a plan answer (and its tag, which a warning changes) is the same everywhere.
 */
export class PlanWarnings {
  private readonly warnings = new Map<string, PlanWarning>();

  constructor(private readonly replica?: Replica) {
    replica?.subscribe((key, doc) => {
      if (doc === null) this.warnings.delete(key);
      else this.warnings.set(key, normalized(JSON.parse(doc) as PlanWarning));
    });
  }

  get(key: string): PlanWarning | undefined {
    return this.warnings.get(key);
  }

  /** A copy a refresh edits, then commits: the group sees each plan's outcome of a refresh once, not its steps. */
  draft(): Map<string, PlanWarning> {
    return new Map(this.warnings);
  }

  /** Takes a refresh's warnings; only the plans whose warning changed are published. */
  commit(draft: Map<string, PlanWarning>): void {
    for (const [key, w] of draft) {
      const next = normalized(w);
      const doc = Object.keys(next).length === 0 ? null : JSON.stringify(next);
      const cur = this.warnings.get(key);
      if ((cur === undefined ? null : JSON.stringify(cur)) === doc) continue;
      if (doc === null) this.warnings.delete(key);
      else this.warnings.set(key, next);
      this.replica?.publish(key, doc);
    }
  }
}
