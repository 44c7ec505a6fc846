// The in-process pipeline: engine, result store and dead-letter log wired together for one city.
import type { City } from '../city/index.js';
import { StreamEngine, resultRows, type EngineStats, type OperatorSpec, type WatermarkSpec, type WindowResult } from '../stream/index.js';
import { DeadLetterLog, type DeadLetter, type DeadLetterSink } from '../telemetry/dead-letter.js';
import type { SensorCatalog } from '../telemetry/catalog.js';
import { catalogFromCity } from './catalog.js';
import { ResultStore } from './result-store.js';

export interface PipelineOptions {
  city: City;
  operators: OperatorSpec[];
  watermark: WatermarkSpec;
  workers: number;
  /** Processing-time clock; with the simulator this is simulated time, so event time and clock agree. */
  clock: () => number;
  /** Extra outputs, e.g. NDJSON files. */
  onResults?: (rows: WindowResult[]) => void;
  onDeadLetter?: (letter: DeadLetter) => void;
}

/** What the API reads of the engine: one StreamEngine, or the Kafka processor with an engine per partition. */
export interface EngineView {
  stats(): EngineStats;
}

export interface Pipeline<E extends EngineView = StreamEngine> {
  city: City;
  catalog: SensorCatalog;
  operators: OperatorSpec[];
  engine: E;
  results: ResultStore;
  deadLetters: DeadLetterLog;
}

export function createPipeline(o: PipelineOptions): Pipeline {
  const catalog = catalogFromCity(o.city);
  const results = new ResultStore();
  const deadLetters = new DeadLetterLog(5, o.onDeadLetter as DeadLetterSink | undefined);
  const engine = new StreamEngine({
    catalog,
    operators: o.operators,
    watermark: o.watermark,
    workers: o.workers,
    clock: o.clock,
    deadLetter: deadLetters.add,
    onResults: (spec, cols) => {
      const rows = resultRows(spec, catalog, cols);
      results.add(rows);
      o.onResults?.(rows);
    },
  });
  return { city: o.city, catalog, operators: o.operators, engine, results, deadLetters };
}
