// The input partitions this process owns: a PartitionTask each, restored from the changelog before its first message.
import type { KafkaConfig } from '../../config.js';
import type { EngineStats, OperatorSpec } from '../../stream/index.js';
import type { WindowResultColumns } from '../../stream/emit-buffer.js';
import type { DeadLetter } from '../../telemetry/index.js';
import { changelogTopic } from './client-config.js';
import { readChangelog, type ChangelogKeys } from './changelog.js';
import type { CoPartitioning } from './partitioner.js';
import { PartitionTask, type PartitionEngineOptions } from './partition-task.js';
import * as rd from './rdkafka.js';

export interface PartitionsOptions extends PartitionEngineOptions {
  config: KafkaConfig;
  keys: ChangelogKeys;
  co: CoPartitioning;
  inputPartitions: number;
  /** Reads the changelog; never joins the group. */
  restorer: rd.KafkaConsumer;
  onResults: (task: PartitionTask, spec: OperatorSpec, cols: WindowResultColumns) => void;
  deadLetter: (task: PartitionTask, letter: DeadLetter) => void;
  log: (line: string) => void;
}

export class Partitions {
  readonly tasks = new Map<number, PartitionTask>();
  readonly counters = { restores: 0, restoredKeys: 0 };

  constructor(private readonly o: PartitionsOptions) {}

  get(partition: number): PartitionTask | undefined {
    return this.tasks.get(partition);
  }

  private newTask(partition: number): PartitionTask {
    const o = this.o;
    const task: PartitionTask = new PartitionTask({
      topic: o.config.inputTopic,
      partition,
      catalog: o.catalog,
      operators: o.operators,
      outOfOrdernessMs: o.outOfOrdernessMs,
      maxFutureMs: o.maxFutureMs,
      pool: o.pool,
      layout: o.layout,
      ownership: o.co.ownership(partition, o.inputPartitions),
      onResults: (spec, cols) => o.onResults(task, spec, cols),
      deadLetter: (letter) => o.deadLetter(task, letter),
    });
    return task;
  }

  /**
   * Restores partitions from the changelog (with `consumer`, the group member, for the committed offsets);
   * returns the input offset each continues from.
   */
  async restore(consumer: rd.KafkaConsumer, partitions: number[]): Promise<Map<number, number | undefined>> {
    const o = this.o;
    const start = new Map<number, number | undefined>();
    if (partitions.length === 0) return start;
    // Committed offsets first: the fetch waits until no transaction holding offsets of these partitions is
    // pending, so the changelog read after it sees the state that goes with them.
    const committed = await rd.committed(
      consumer,
      partitions.map((partition) => ({ topic: o.config.inputTopic, partition })),
      60_000,
    );
    const expect = new Map(
      partitions.map((p) => {
        const at = committed.find((x) => x.partition === p)?.offset;
        return [p, at !== undefined && at >= 0 ? at : undefined];
      }),
    );
    const restored = await readChangelog(
      o.restorer,
      changelogTopic(o.config),
      expect,
      o.keys,
      o.layout,
      o.operators,
      o.config.transactionTimeoutMs * 3,
    );
    for (const p of partitions) {
      const r = restored.get(p)!;
      const task = this.newTask(p);
      await task.engine.restore(r.restore);
      task.nextOffset = expect.get(p) ?? r.meta?.offset;
      task.staleKeys = r.staleKeys;
      // State of an older bucket layout is rewritten at the next commit, input or not.
      if (r.staleKeys.length > 0 && task.nextOffset !== undefined) task.dirty = true;
      this.tasks.set(p, task);
      start.set(p, task.nextOffset);
      this.counters.restores++;
      this.counters.restoredKeys += r.keys;
      o.log(
        `kafka: partition ${p} restored: ${r.keys} keys from ${r.messages} changelog records, continuing at offset ${task.nextOffset ?? 'start'}`,
      );
    }
    return start;
  }

  /** Messages behind the end of the input, summed over the partitions (from the consumer's last fetch). */
  lag(consumer: rd.KafkaConsumer): number {
    let lag = 0;
    for (const t of this.tasks.values()) {
      try {
        const w = consumer.getWatermarkOffsets(this.o.config.inputTopic, t.partition);
        if (t.nextOffset !== undefined && w.highOffset >= 0) lag += Math.max(0, w.highOffset - t.nextOffset);
      } catch {
        // No fetch has reported this partition's end yet.
      }
    }
    return lag;
  }

  /** Drops partitions (all of them by default), finishing what their engines have in flight. */
  async close(partitions: number[] = [...this.tasks.keys()]): Promise<void> {
    for (const p of partitions) {
      await this.tasks.get(p)?.close();
      this.tasks.delete(p);
    }
  }
}

/** Engine counters summed over partitions; the watermark is the smallest partition watermark. */
export function engineStats(all: EngineStats[]): EngineStats {
  const sum = (k: keyof EngineStats) => all.reduce((n, s) => n + (s[k] as number), 0);
  return {
    messages: sum('messages'),
    readings: sum('readings'),
    accepted: sum('accepted'),
    badQuality: sum('badQuality'),
    unkeyed: sum('unkeyed'),
    late: sum('late'),
    results: sum('results'),
    watermark: all.length > 0 ? Math.min(...all.map((s) => s.watermark)) : -Infinity,
    activeWindows: sum('activeWindows'),
    emitDelayP50Ms: Math.max(0, ...all.map((s) => s.emitDelayP50Ms)),
    emitDelayP99Ms: Math.max(0, ...all.map((s) => s.emitDelayP99Ms)),
    tasksInFlight: sum('tasksInFlight'),
  };
}
