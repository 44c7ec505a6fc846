// Where a pipeline's window results go: the result store, the extra output, and the listeners added at run time.
import type { WindowResult } from '../stream/index.js';
import type { ResultStore } from './result-store.js';

export type ResultListener = (rows: WindowResult[]) => void;

export class ResultFanOut {
  private readonly listeners: ResultListener[] = [];

  constructor(
    private readonly store: ResultStore,
    private readonly output: ((rows: WindowResult[]) => void) | undefined,
    /** A listener threw: the engine carries on, the other listeners still get the rows. */
    private readonly onListenerError: (err: Error) => void,
  ) {}

  publish(rows: WindowResult[]): void {
    this.store.add(rows);
    this.output?.(rows);
    for (const listener of this.listeners) {
      try {
        listener(rows);
      } catch (err) {
        this.onListenerError(err as Error);
      }
    }
  }

  /** Adds a consumer of every batch of window results; returns its removal. */
  add(listener: ResultListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
}
