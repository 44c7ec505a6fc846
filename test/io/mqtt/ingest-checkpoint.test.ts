// The MQTT ingest acknowledges a QoS 1 message only once its readings are in a committed checkpoint: a message taken
// in while the engine is still working on a checkpoint belongs to the next one (acknowledging it with the earlier one
// loses its readings if the process dies before the next commit, and so does marking them as seen in the earlier
// generation of the redelivery filter).
import { describe, expect, it } from 'vitest';
import { catalogFromCity } from '../../../src/app/catalog.js';
import { loadSampleCity } from '../../../src/city/index.js';
import type { MqttCheckpointStore } from '../../../src/io/mqtt/checkpoint-store.js';
import { MqttIngest } from '../../../src/io/mqtt/ingest.js';
import type { SeenGeneration } from '../../../src/io/mqtt/redelivery-filter.js';
import { DEFAULT_BATCH_TOPIC, DEFAULT_READING_TOPIC, parseTopicTemplate } from '../../../src/io/mqtt/topics.js';
import type { EngineCheckpoint, StreamEngine } from '../../../src/stream/engine.js';
import type { ValidReadings } from '../../../src/telemetry/validate.js';
import { encodeBatch } from '../../../src/telemetry/codec.js';
import { OPERATORS } from './operators.js';

/** An engine whose ingestion waits until the test lets it go, recording the timestamps of what it took. */
function slowEngine() {
  const ingested: number[] = [];
  let release: (() => void) | undefined;
  let entered: (() => void) | undefined;
  let enteredP = new Promise<void>((r) => (entered = r));
  const engine = {
    ingestClock: () => ({ nowMs: Date.now(), maxFutureMs: 300_000 }),
    async ingestValidated(v: ValidReadings): Promise<void> {
      entered!();
      await new Promise<void>((r) => (release = r));
      for (let i = 0; i < v.length; i++) ingested.push(v.ts[i]);
    },
    checkpoint(): Promise<EngineCheckpoint> {
      return Promise.resolve({
        watermark: { value: 0 } as EngineCheckpoint['watermark'],
        entries: { ts: [...ingested] } as unknown as EngineCheckpoint['entries'],
      });
    },
    restore: () => Promise.resolve(),
  };
  return {
    engine: engine as unknown as StreamEngine,
    ingested,
    /** Resolves once the engine is inside an ingestion, then returns the function that finishes it. */
    async inIngestion(): Promise<() => void> {
      await enteredP;
      enteredP = new Promise<void>((r) => (entered = r));
      return () => release!();
    },
  };
}

describe('MQTT ingest checkpoints', () => {
  it('does not acknowledge, nor commit as seen, a message taken in while a checkpoint is being made', async () => {
    const catalog = catalogFromCity(loadSampleCity());
    const detector = catalog.ids[catalog.kind.indexOf(0)];
    const commits: { entries: unknown; generation: SeenGeneration | null }[] = [];
    const store = {
      load: () => ({
        restore: { watermark: { value: 0 }, records: [] },
        dedupBase: undefined,
        generations: [],
        keys: 0,
      }),
      commit: (cp: EngineCheckpoint, generation: SeenGeneration | null) =>
        commits.push({ entries: cp.entries, generation }),
    } as unknown as MqttCheckpointStore;
    const eng = slowEngine();
    const { ingest } = await MqttIngest.start({
      engine: eng.engine,
      catalog,
      operators: OPERATORS,
      readingTopic: parseTopicTemplate(DEFAULT_READING_TOPIC, 'reading topic'),
      batchTopic: parseTopicTemplate(DEFAULT_BATCH_TOPIC, 'batch topic'),
      deadLetter: () => undefined,
      store,
      tickMs: 5,
      checkpointAfterMessages: 1,
      onError: (err) => {
        throw err;
      },
    });
    const t = Date.now() - 60_000;
    const message = (ts: number) =>
      encodeBatch([{ sensor: detector, metric: 'detector.count', ts, value: 1 }]) as Uint8Array;
    let firstAcked = false;
    let secondAcked = false;
    void ingest.accept('urbanflow/city/batch', message(t), 1)!.then(() => (firstAcked = true));
    // The first message starts a checkpoint; while the engine ingests its readings, a second message arrives.
    const finishFirst = await eng.inIngestion();
    void ingest.accept('urbanflow/city/batch', message(t + 1000), 1)!.then(() => (secondAcked = true));
    finishFirst();
    await new Promise((r) => setTimeout(r, 20));
    expect(firstAcked).toBe(true);
    expect(commits).toHaveLength(1);
    expect(secondAcked).toBe(false);
    expect(commits[0].entries).toEqual({ ts: [t] });
    expect([...commits[0].generation!.keys]).toHaveLength(1);
    // The second message is acknowledged by the checkpoint that holds its reading.
    const finishSecond = await eng.inIngestion();
    finishSecond();
    await new Promise((r) => setTimeout(r, 20));
    expect(secondAcked).toBe(true);
    expect(commits.at(-1)!.entries).toEqual({ ts: [t, t + 1000] });
    const closing = ingest.close();
    await closing;
  });
});
