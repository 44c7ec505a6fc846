// Dead letters: a bad or late record kept with the reason it was refused, and the counters behind them.

export const DEAD_LETTER_REASONS = [
  'malformed',
  'bad-batch',
  'bad-type',
  'unknown-sensor',
  'unknown-metric',
  'metric-not-for-sensor',
  'non-finite',
  'out-of-range',
  'ts-before-epoch',
  'future',
  'late',
  'wrong-partition',
  'unknown-topic',
  'unknown-entity',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export interface DeadLetter {
  reason: DeadLetterReason;
  /** What is wrong, in words a sender can act on. */
  detail: string;
  source: string;
  sensor?: string;
  metric?: string;
  ts?: number;
  value?: unknown;
  /** Operator that refused a late reading, and the key (entity id) it was grouped under. */
  operator?: string;
  key?: string;
  /** The offending bytes (base64, first 512) when the message could not be decoded. */
  payload?: string;
  /** The MQTT topic the record came on (MQTT sources). */
  topic?: string;
  /** The NGSI-LD entity id and attribute the record came from (NGSI-LD notifications). */
  entity?: string;
  attribute?: string;
  /** Refused records this letter stands for, when more than one (the rest of a message's junk, see DeadLetterSampler). */
  count?: number;
}

export type DeadLetterSink = (letter: DeadLetter) => void;

/** Counts dead letters by reason and keeps the latest few of each as samples for the API. */
export class DeadLetterLog {
  readonly counts = new Map<DeadLetterReason, number>();
  private readonly samples = new Map<DeadLetterReason, DeadLetter[]>();

  constructor(
    private readonly samplesPerReason = 5,
    private readonly forward?: DeadLetterSink,
  ) {}

  readonly add: DeadLetterSink = (letter) => {
    this.counts.set(letter.reason, (this.counts.get(letter.reason) ?? 0) + (letter.count ?? 1));
    let list = this.samples.get(letter.reason);
    if (!list) this.samples.set(letter.reason, (list = []));
    list.push(letter);
    if (list.length > this.samplesPerReason) list.shift();
    this.forward?.(letter);
  };

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  summary(): { total: number; byReason: Record<string, { count: number; samples: DeadLetter[] }> } {
    const byReason: Record<string, { count: number; samples: DeadLetter[] }> = {};
    for (const [reason, count] of this.counts)
      byReason[reason] = { count, samples: [...(this.samples.get(reason) ?? [])] };
    return { total: this.total, byReason };
  }
}
