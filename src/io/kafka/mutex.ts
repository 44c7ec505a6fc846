// Runs async sections one at a time: message processing, commits and rebalances never interleave.
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  /** A section runs or waits to (for diagnostics). */
  get locked(): boolean {
    return this.queued > 0;
  }

  run<T>(section: () => Promise<T>): Promise<T> {
    this.queued++;
    const result = this.tail.then(section).finally(() => this.queued--);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
