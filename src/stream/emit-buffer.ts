// Column-wise window results as a worker emits them: one row per (key, window, revision).

export interface WindowResultColumns {
  operator: number;
  key: Float64Array;
  start: Float64Array;
  end: Float64Array;
  revision: Float64Array;
  /** One column per aggregate of the operator, in its declared order. */
  values: Float64Array[];
}

export class EmitBuffer {
  key: number[] = [];
  start: number[] = [];
  end: number[] = [];
  revision: number[] = [];
  values: number[][];

  constructor(readonly operator: number, aggregateCount: number) {
    this.values = Array.from({ length: aggregateCount }, () => []);
  }

  get length(): number {
    return this.key.length;
  }

  push(key: number, start: number, end: number, revision: number): void {
    this.key.push(key);
    this.start.push(start);
    this.end.push(end);
    this.revision.push(revision);
  }

  /** Hands the rows over as typed columns and empties the buffer. */
  take(): WindowResultColumns {
    const out: WindowResultColumns = {
      operator: this.operator,
      key: Float64Array.from(this.key),
      start: Float64Array.from(this.start),
      end: Float64Array.from(this.end),
      revision: Float64Array.from(this.revision),
      values: this.values.map((v) => Float64Array.from(v)),
    };
    this.key = [];
    this.start = [];
    this.end = [];
    this.revision = [];
    this.values = this.values.map(() => []);
    return out;
  }
}
