// The stream worker threads: one single-threaded piscina pool per lane, shareable by several engines.
import type { Piscina } from 'piscina';
import { configError } from '../errors.js';
import { workerFile } from '../worker-file.js';
import { startPiscina } from '../piscina-pool.js';
import type { StateEntries } from './state-log.js';
import {
  stateRecordsTransferList,
  taskTransferList,
  type StateRecords,
  type WorkerReply,
  type WorkerTask,
} from './task.js';
import type { WorkerInit } from './worker-core.js';

/**
 * Each lane is one thread holding one operator state per engine that uses it (an engine per Kafka
 * partition shares the lanes of its process); a key always goes to the same lane, so its readings stay in order.
 */
export class WorkerPool {
  private readonly pools: Piscina[] = [];
  private nextState = 1;

  constructor(
    readonly init: WorkerInit,
    threads: number,
  ) {
    if (!Number.isInteger(threads) || threads < 1)
      throw configError(`a worker pool needs a whole number >= 1 of threads, got ${threads}`);
    const filename = workerFile(import.meta.url, './worker.js');
    for (let i = 0; i < threads; i++) {
      this.pools.push(
        startPiscina(filename, {
          minThreads: 1,
          maxThreads: 1,
          concurrentTasksPerWorker: 1,
          idleTimeout: Infinity,
          workerData: init,
        }),
      );
    }
  }

  get lanes(): number {
    return this.pools.length;
  }

  /** A state id no other engine on this pool uses. */
  newState(): number {
    return this.nextState++;
  }

  run(lane: number, task: WorkerTask): Promise<WorkerReply> {
    return this.pools[lane].run(task, { transferList: taskTransferList(task) as never });
  }

  checkpoint(lane: number, state: number): Promise<StateEntries> {
    return this.pools[lane].run({ state }, { name: 'checkpoint' });
  }

  /** Loads state into a lane; resolves with the lane's open windows of that state. */
  restore(lane: number, state: number, records: StateRecords, watermark: number, rewrite: boolean): Promise<number> {
    return this.pools[lane].run(
      { state, records, watermark, rewrite },
      { name: 'restore', transferList: stateRecordsTransferList(records) as never },
    );
  }

  drop(lane: number, state: number): Promise<void> {
    return this.pools[lane].run({ state }, { name: 'drop' });
  }

  async destroy(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.destroy()));
  }
}
