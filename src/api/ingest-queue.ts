// One telemetry request at a time into the engine, a bounded queue behind it, refusal (503) beyond: no unbounded buffering.
import { HttpProblem } from './problem.js';

export class IngestQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(private readonly max: number) {}

  get depth(): number {
    return this.queued;
  }

  /**
   * Runs `task` after the ones before it: a message's readings must reach the engine before the next message of the
   * same source moves its watermark. Refuses when `max` requests already wait.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.queued >= this.max) {
      throw new HttpProblem(
        'unavailable',
        `the ingest pipeline is behind (${this.queued} batches waiting); retry after the delay in Retry-After`,
        { headers: { 'retry-after': '1' } },
      );
    }
    this.queued++;
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined).finally(() => this.queued--);
    return result;
  }

  /** Resolves when every accepted request has reached the engine. */
  async drained(): Promise<void> {
    while (this.queued > 0) await this.tail;
  }
}
