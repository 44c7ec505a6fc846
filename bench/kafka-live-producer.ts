// The Kafka benchmark's live telemetry source, run as a process of its own so that producing (building and
// encoding readings) takes no time from the engine's main thread: gateway batches at a steady rate.
import { coPartitioning } from '../src/io/kafka/index.js';
import * as rd from '../src/io/kafka/rdkafka.js';
import { encodeBatch } from '../src/telemetry/index.js';
import { OPERATORS, benchCatalog, gatewayOrder, telemetryProducer } from './kafka-workload.js';

export interface LiveProducerArgs {
  brokers: string;
  topic: string;
  partitions: number;
  keys: number;
  /** Readings a second. */
  rate: number;
  seconds: number;
  perMessage: number;
}

async function main(a: LiveProducerArgs): Promise<void> {
  const catalog = benchCatalog(a.keys);
  const of = coPartitioning(catalog, OPERATORS).partitionOfSensor(a.partitions);
  const p = await telemetryProducer(a.brokers);
  const batches = gatewayOrder(a.keys, Number.MAX_SAFE_INTEGER, a.perMessage);
  let sent = 0;
  const start = performance.now();
  while (performance.now() - start < a.seconds * 1000) {
    const due = ((performance.now() - start) / 1000) * a.rate;
    while (sent < due) {
      const batch = batches.next().value!;
      rd.produceBlocking(p, a.topic, of[catalog.index.get(batch[0].sensor)!], Buffer.from(encodeBatch(batch)), null);
      sent += batch.length;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await rd.flush(p, 60_000);
  await rd.disconnect(p);
  process.send?.({ sent, seconds: (performance.now() - start) / 1000 });
}

main(JSON.parse(process.argv[2]) as LiveProducerArgs).catch((err: Error) => {
  process.stderr.write(`live producer: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
