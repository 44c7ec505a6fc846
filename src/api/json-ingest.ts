// A JSON array of readings into the pipeline: read in chunks, validated as it goes, refused records kept as counts and
// a bounded sample of dead letters, and the good readings routed as one message of the client's source.
import { encode } from '@msgpack/msgpack';
import type { PipelineEngine } from '../app/index.js';
import type { StreamEngine } from '../stream/index.js';
import {
  type SensorCatalog,
  WireFormatError,
  batchFromReadings,
  decodeSingle,
  decodeWire,
  encodeBatch,
  type DecodedBatch,
  DeadLetterSampler,
  type DeadLetter,
  type DeadLetterSink,
  QUALITY_CODES,
  ReadingColumns,
  type Reading,
  validateBatch,
  type ValidationContext,
} from '../telemetry/index.js';
import { readJsonArray } from './json-array-reader.js';

export interface JsonIngestTarget {
  engine: PipelineEngine;
  catalog: SensorCatalog;
  /** The client's source: its own watermark. */
  partition: string;
  /** Where refused records go once the whole body was read (the pipeline's dead-letter log). */
  deadLetter: DeadLetterSink;
}

export interface JsonIngestOutcome {
  readings: number;
  deadLettered: number;
  byReason: Record<string, number>;
}

export function wellTyped(r: unknown): r is Reading {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return (
    typeof o.sensor === 'string' &&
    typeof o.metric === 'string' &&
    typeof o.ts === 'number' &&
    typeof o.value === 'number' &&
    (o.quality === undefined || (typeof o.quality === 'string' && o.quality in QUALITY_CODES))
  );
}

/** An engine in this process validates and routes the readings itself; the Kafka processor forwards messages instead. */
function localEngine(engine: PipelineEngine): StreamEngine | undefined {
  return 'ingestValidated' in engine ? (engine as StreamEngine) : undefined;
}

const NOT_AN_OBJECT =
  'an element of the array must be an object: one reading {sensor, metric, ts, value, quality?} or a columnar batch';

/**
 * Reads the array chunk by chunk (yielding between chunks), so its cost is bounded by the body size and the event loop
 * keeps answering. A body that is not valid JSON is refused whole (JsonBodyError) before anything reaches the engine.
 */
export async function ingestJsonArray(bytes: Uint8Array, t: JsonIngestTarget): Promise<JsonIngestOutcome> {
  const letters: DeadLetter[] = [];
  const sampler = new DeadLetterSampler((l) => letters.push(l));
  const local = localEngine(t.engine);
  const clock = local?.ingestClock();
  const ctx: ValidationContext | undefined = clock && {
    catalog: t.catalog,
    nowMs: clock.nowMs,
    maxFutureMs: clock.maxFutureMs,
    source: t.partition,
    deadLetter: sampler.add,
  };
  // The valid rows of every chunk, in order.
  const valid = new ReadingColumns(1024);
  const forward: Uint8Array[] = [];
  let readings = 0;
  const take = (batch: DecodedBatch) => {
    readings += batch.length;
    if (ctx) valid.append(validateBatch(batch, ctx));
  };
  const onChunk = (elements: unknown[]) => {
    const good: Reading[] = [];
    for (const e of elements) {
      if (wellTyped(e)) {
        good.push(e);
        continue;
      }
      readings++;
      if (typeof e !== 'object' || e === null || Array.isArray(e)) {
        if (sampler.wants('malformed'))
          sampler.add({ reason: 'malformed', detail: NOT_AN_OBJECT, source: t.partition });
        else sampler.count('malformed');
        continue;
      }
      const o = e as Record<string, unknown>;
      if (!('sensors' in o)) {
        // Junk is counted; only the sampled few get a letter with the detail worked out.
        if (!sampler.wants('bad-type')) {
          sampler.count('bad-type');
          continue;
        }
        const r = decodeSingle(o);
        sampler.add({
          reason: 'bad-type',
          detail: r.typeError ?? 'not a reading',
          source: t.partition,
          sensor: r.sensor,
          metric: r.metric,
        });
        continue;
      }
      readings--;
      // A columnar batch as an element of the array: its rows are readings like the others.
      const message = encode(o);
      if (!ctx) {
        forward.push(message);
        continue;
      }
      try {
        const decoded = decodeWire(message);
        if (decoded.kind === 'batch') take(decoded.batch);
      } catch (err) {
        if (!(err instanceof WireFormatError)) throw err;
        readings++;
        sampler.add({ reason: err.reason, detail: err.message, source: t.partition });
      }
    }
    if (good.length === 0) return;
    if (ctx) take(batchFromReadings(good));
    else {
      readings += good.length;
      forward.push(encodeBatch(good));
    }
  };
  const onOversized = (size: number) => {
    readings++;
    sampler.add({
      reason: 'malformed',
      detail: `an element of ${size} bytes is larger than any reading or batch taken in an array (1 MB); send a large batch as the whole body`,
      source: t.partition,
    });
  };
  await readJsonArray(bytes, onChunk, onOversized, {
    pause: () => new Promise<void>((resolve) => setImmediate(resolve)),
  });
  sampler.flush();
  for (const l of letters) t.deadLetter(l);
  if (local) await local.ingestValidated(valid, readings, t.partition);
  else for (const m of forward) await t.engine.ingestMessage(m, t.partition);
  const refused = sampler.refused;
  return { readings, deadLettered: refused, byReason: sampler.counts() };
}
