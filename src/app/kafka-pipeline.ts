// The pipeline on Kafka: the processor (an engine per input partition) feeding the result store and dead-letter log once committed.
import type { City } from '../city/index.js';
import type { KafkaConfig } from '../config.js';
import { decode } from '@msgpack/msgpack';
import { KafkaProcessor } from '../io/kafka/index.js';
import { GlobalTopicReader } from '../io/kafka/global-table.js';
import type { OperatorSpec, WindowResult } from '../stream/index.js';
import { DeadLetterLog, type DeadLetter } from '../telemetry/index.js';
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

export interface KafkaPipeline extends Pipeline<KafkaProcessor> {
  /**
   * The results topic as a global table: every partition, read_committed, whatever partitions this process
   * processes, feeding the result store and the result listeners (forecasts, plans). Started after the processor
   * (which creates the topics); caught up once it reached the end offsets read at its start.
   */
  resultsTable: GlobalTopicReader;
}

/**
 * The API sees the committed results of the whole city: what a read_committed consumer of every partition of the
 * results topic sees, so every process of a group answers from the same windows. The results file
 * (`onResults`) gets the results this process committed.
 */
export function createKafkaPipeline(o: KafkaPipelineOptions): KafkaPipeline {
  const catalog = catalogFromCity(o.city);
  const results = new ResultStore();
  const deadLetters = new DeadLetterLog(5, o.onDeadLetter);
  const fanOut = new ResultFanOut(results, undefined, (err) => o.log?.(`a result listener failed: ${err.message}`));
  const resultsTable = new GlobalTopicReader({
    config: o.kafka,
    role: 'results-table',
    log: o.log,
    topics: [
      {
        name: o.kafka.resultsTopic,
        apply: (messages) => fanOut.publish(messages.map((m) => decode(m.value!) as WindowResult)),
      },
    ],
  });
  const processor = new KafkaProcessor({
    config: o.kafka,
    catalog,
    operators: o.operators,
    outOfOrdernessMs: o.outOfOrdernessMs,
    maxFutureMs: o.maxFutureSkewMs,
    workers: o.workers,
    log: o.log,
    onCommitted: o.onResults,
    onDeadLetters: (letters) => letters.forEach(deadLetters.add),
  });
  return {
    city: o.city,
    catalog,
    operators: o.operators,
    engine: processor,
    results,
    deadLetters,
    addResultListener: (l) => fanOut.add(l),
    resultsTable,
  };
}
