// Recent window results per operator and key, for the API: a revision replaces the result it revises.
import type { WindowResult } from '../stream/index.js';

export class ResultStore {
  private readonly byOperator = new Map<string, Map<string, WindowResult[]>>();

  /** Keeps at most `perKey` windows per (operator, key), the latest by window end. */
  constructor(private readonly perKey = 288) {}

  add(rows: readonly WindowResult[]): void {
    for (const r of rows) {
      let keys = this.byOperator.get(r.operator);
      if (!keys) this.byOperator.set(r.operator, (keys = new Map()));
      let list = keys.get(r.key);
      if (!list) keys.set(r.key, (list = []));
      // Sessions grow at the front when a late reading merges: a window overlapping the new one is superseded.
      const same = list.findIndex((x) => x.start === r.start && x.end === r.end);
      if (same >= 0) list[same] = r;
      else {
        let i = list.length;
        while (i > 0 && list[i - 1].end > r.end) i--;
        list.splice(i, 0, r);
        if (list.length > this.perKey) list.shift();
      }
    }
  }

  keys(operator: string): string[] {
    return [...(this.byOperator.get(operator)?.keys() ?? [])];
  }

  /** Results of one key whose window ends within (from, to]. */
  range(operator: string, key: string, from = -Infinity, to = Infinity): WindowResult[] {
    return (this.byOperator.get(operator)?.get(key) ?? []).filter((r) => r.end > from && r.end <= to);
  }

  /** The latest result of each key (or of one key). */
  current(operator: string, key?: string): WindowResult[] {
    const keys = this.byOperator.get(operator);
    if (!keys) return [];
    const pick = (list: WindowResult[]) => list[list.length - 1];
    if (key !== undefined) {
      const list = keys.get(key);
      return list && list.length > 0 ? [pick(list)] : [];
    }
    return [...keys.values()].filter((l) => l.length > 0).map(pick);
  }
}
