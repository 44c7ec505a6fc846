// The pipeline on Kafka: the processor (an engine per input partition) feeding the result store and dead-letter log once committed.
import type { City } from '../city/index.js';
import type { KafkaConfig } from '../config.js';
import { KafkaProcessor } from '../io/kafka/index.js';
import type { OperatorSpec, WindowResult } from '../stream/index.js';
import { DeadLetterLog, type DeadLetter } from '../telemetry/dead-letter.js';
import { catalogFromCity } from './catalog.js';
import type { Pipeline } from './pipeline.js';
import { ResultFanOut } from './result-fan-out.js';
import { ResultStore } from './result-store.js';

export interface KafkaPipelineOptions {
  city: City;
  operators: OperatorSpec[];
  kafka: KafkaConfig;
  outOfOrdernessMs: number;
  /** How far ahead of its message's Kafka timestamp a reading may be before it is a `future` dead letter. */
  maxFutureSkewMs?: number;
  workers: number;
  onResults?: (rows: WindowResult[]) => void;
  onDeadLetter?: (letter: DeadLetter) => void;
  log?: (line: string) => void;
}

/** The API sees committed results only: what a read_committed consumer of the results topic sees. */
export function createKafkaPipeline(o: KafkaPipelineOptions): Pipeline<KafkaProcessor> {
  const catalog = catalogFromCity(o.city);
  const results = new ResultStore();
  const deadLetters = new DeadLetterLog(5, o.onDeadLetter);
  const fanOut = new ResultFanOut(results, o.onResults, (err) => o.log?.(`a result listener failed: ${err.message}`));
  const processor = new KafkaProcessor({
    config: o.kafka,
    catalog,
    operators: o.operators,
    outOfOrdernessMs: o.outOfOrdernessMs,
    maxFutureMs: o.maxFutureSkewMs,
    workers: o.workers,
    log: o.log,
    onCommitted: (rows) => fanOut.publish(rows),
    onDeadLetters: (letters) => letters.forEach(deadLetters.add),
  });
  return { city: o.city, catalog, operators: o.operators, engine: processor, results, deadLetters, addResultListener: (l) => fanOut.add(l) };
}
