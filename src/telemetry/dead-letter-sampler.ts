// Bounded dead letters for one message or request: the first few of each reason as they are, the rest counted.
import type { DeadLetterReason, DeadLetterSink } from './dead-letter.js';

/**
 * 100,000 junk records must not become 100,000 dead-letter objects kept, logged or written: `add` passes the first
 * `samplesPerReason` letters of each reason on and only counts the others; `flush` then passes one letter per reason
 * standing for the rest (`count`), so every counter still sees every refused record.
 */
export class DeadLetterSampler {
  /** Per reason: records refused, letters passed on, records those letters stand for, the first detail. */
  private readonly byReason = new Map<
    DeadLetterReason,
    { count: number; letters: number; passed: number; source: string; first: string }
  >();
  private total = 0;

  constructor(
    private readonly forward: DeadLetterSink,
    private readonly samplesPerReason = 5,
  ) {}

  readonly add: DeadLetterSink = (letter) => {
    const n = letter.count ?? 1;
    this.total += n;
    let s = this.byReason.get(letter.reason);
    if (!s)
      this.byReason.set(
        letter.reason,
        (s = { count: 0, letters: 0, passed: 0, source: letter.source, first: letter.detail }),
      );
    s.count += n;
    if (s.letters >= this.samplesPerReason) return;
    s.letters++;
    s.passed += n;
    this.forward(letter);
  };

  /** Whether a letter of `reason` would still be passed on: when not, `count` saves building it. */
  wants(reason: DeadLetterReason): boolean {
    const s = this.byReason.get(reason);
    return s === undefined || s.letters < this.samplesPerReason;
  }

  /** Counts a refused record that `wants` said would not be passed on. */
  count(reason: DeadLetterReason): void {
    this.total++;
    this.byReason.get(reason)!.count++;
  }

  /** Refused records so far, all reasons. */
  get refused(): number {
    return this.total;
  }

  /** Refused records so far by reason. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [reason, s] of this.byReason) out[reason] = s.count;
    return out;
  }

  /** Passes on one letter per reason for the records counted but not passed on yet (at the end of the message). */
  flush(): void {
    for (const [reason, s] of this.byReason) {
      const rest = s.count - s.passed;
      if (rest <= 0) continue;
      s.passed = s.count;
      this.forward({
        reason,
        detail: `${rest} more records of the same message refused as '${reason}' and not listed one by one (the first: ${s.first})`,
        source: s.source,
        count: rest,
      });
    }
  }
}
