// The in-process pipeline: engine, result store and dead-letter log wired together for one city.
import type { City } from '../city/index.js';
import { StreamEngine, resultRows, type OperatorSpec, type WatermarkSpec, type WindowResult } from '../stream/index.js';
import { DeadLetterLog, type DeadLetter, type DeadLetterSink, type SensorCatalog } from '../telemetry/index.js';
import { catalogFromCity } from './catalog.js';
import { ResultFanOut, type ResultListener } from './result-fan-out.js';
import { ResultStore } from './result-store.js';

export type { ResultListener } from './result-fan-out.js';

export interface PipelineOptions {
  city: City;
  operators: OperatorSpec[];
  watermark: WatermarkSpec;
  /** How far ahead of the clock a reading may be before it is a `future` dead letter (default 5 minutes). */
  maxFutureSkewMs?: number;
  workers: number;
  /** Processing-time clock; with the simulator this is simulated time, so event time and clock agree. */
  clock: () => number;
  /** Extra outputs, e.g. NDJSON files. */
  onResults?: (rows: WindowResult[]) => void;
  onDeadLetter?: (letter: DeadLetter) => void;
  /** A result listener threw: the engine carries on, the other listeners still get the rows. */
  onListenerError?: (err: Error) => void;
  /** Track changed keys so the window state can be checkpointed (the MQTT source's exactly-once). */
  checkpoints?: boolean;
}

/**
 * The engine as the API and the shutdown use it: one StreamEngine, or the Kafka processor with an engine per
 * input partition (src/io/kafka).
 */
export type PipelineEngine = Pick<
  StreamEngine,
  'stats' | 'watermark' | 'ingestMessage' | 'tick' | 'flush' | 'drain' | 'finish' | 'close'
>;

export interface Pipeline<E extends PipelineEngine = PipelineEngine> {
  city: City;
  catalog: SensorCatalog;
  operators: OperatorSpec[];
  engine: E;
  results: ResultStore;
  deadLetters: DeadLetterLog;
  /** Adds a consumer of every batch of window results (forecasts, plans); returns its removal. */
  addResultListener(listener: ResultListener): () => void;
}

export function createPipeline(o: PipelineOptions): Pipeline<StreamEngine> {
  const catalog = catalogFromCity(o.city);
  const results = new ResultStore();
  const deadLetters = new DeadLetterLog(5, o.onDeadLetter as DeadLetterSink | undefined);
  const fanOut = new ResultFanOut(results, o.onResults, (err) => o.onListenerError?.(err));
  const engine = new StreamEngine({
    catalog,
    operators: o.operators,
    watermark: o.watermark,
    workers: o.workers,
    clock: o.clock,
    ...(o.maxFutureSkewMs === undefined ? {} : { maxFutureMs: o.maxFutureSkewMs }),
    deadLetter: deadLetters.add,
    // A batch of junk leaves a few letters per reason and a count, not a letter per row (the Kafka topic keeps them all).
    deadLetterSamples: 100,
    onResults: (spec, cols) => fanOut.publish(resultRows(spec, catalog, cols)),
    ...(o.checkpoints ? { checkpoints: true } : {}),
  });
  return {
    city: o.city,
    catalog,
    operators: o.operators,
    engine,
    results,
    deadLetters,
    addResultListener: (l) => fanOut.add(l),
  };
}
