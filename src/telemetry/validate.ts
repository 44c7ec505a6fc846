// Validation of decoded readings against the catalog and metric registry: good rows pass, bad rows become dead letters.
import { SENSOR_KINDS, metricKindTable, type SensorCatalog } from './catalog.js';
import type { DecodedBatch, SingleReading } from './codec.js';
import type { DeadLetterReason, DeadLetterSink } from './dead-letter.js';
import { METRICS, METRIC_INDEX } from './metrics.js';

export interface ValidReadings {
  length: number;
  sensor: Int32Array;
  metric: Uint8Array;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
}

/** Which sensors a source partition may carry, when keys are co-partitioned (see src/io/kafka). */
export interface PartitionOwnership {
  /** 1 for a sensor whose readings belong to this partition. */
  accept: Uint8Array;
  /** Why a sensor's reading does not belong here, for the dead letter. */
  explain(sensor: number): string;
}

export interface ValidationContext {
  catalog: SensorCatalog;
  /** Processing time, for the far-future check. */
  nowMs: number;
  /** How far ahead of `nowMs` an event time may be before it counts as a clock error (a `future` dead letter). */
  maxFutureMs: number;
  source: string;
  deadLetter: DeadLetterSink;
  ownership?: PartitionOwnership;
}

/** A sensor clock may run a little fast; a reading further ahead of the ingest clock is a clock error, not the future. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000;

const KINDS = SENSOR_KINDS.length;
const ALLOWED = metricKindTable();

/** Why a reading is refused and what to tell its sender; undefined for a good reading. */
export type Problem = [DeadLetterReason, string] | undefined;

/** An ISO date where the time is within JavaScript's date range, else the raw number (toISOString would throw). */
function describeTs(ts: number): string {
  return Math.abs(ts) <= 8.64e15 ? new Date(ts).toISOString() : String(ts);
}

/**
 * What is wrong with one reading whose sensor and metric were resolved to ids (-1: unknown), if anything (a source
 * that resolves names once, e.g. by MQTT topic, checks its readings with this alone).
 */
export function rowProblem(
  ctx: ValidationContext,
  s: number,
  m: number,
  sensorName: string,
  metricName: string,
  ts: number,
  value: number,
  quality: number,
): Problem {
  if (s < 0) return ['unknown-sensor', `sensor '${sensorName}' is not in the city model`];
  if (m < 0) return ['unknown-metric', `metric '${metricName}' is not a known metric`];
  const kind = ctx.catalog.kind[s];
  if (!ALLOWED[m * KINDS + kind])
    return ['metric-not-for-sensor', `a ${SENSOR_KINDS[kind]} sensor does not report '${metricName}'`];
  if (!Number.isFinite(ts)) return ['non-finite', `ts is ${ts}`];
  if (!Number.isFinite(value)) return ['non-finite', `value is ${value}`];
  if (ts < 0) return ['ts-before-epoch', `ts ${ts} is before 1970-01-01`];
  if (ts > ctx.nowMs + ctx.maxFutureMs)
    return [
      'future',
      `ts ${describeTs(ts)} is more than ${ctx.maxFutureMs} ms ahead of the ingest clock (${describeTs(ctx.nowMs)}); it moves no watermark`,
    ];
  const spec = METRICS[m];
  if (value < spec.min || value > spec.max)
    return ['out-of-range', `${spec.name} must be within [${spec.min}, ${spec.max}] ${spec.unit}, got ${value}`];
  if (quality > 2) return ['bad-type', `quality code ${quality} is not 0 (good), 1 (uncertain) or 2 (bad)`];
  if (ctx.ownership && ctx.ownership.accept[s] !== 1) return ['wrong-partition', ctx.ownership.explain(s)];
  return undefined;
}

export function validateBatch(batch: DecodedBatch, ctx: ValidationContext): ValidReadings {
  const { catalog } = ctx;
  const sensorOf = Int32Array.from(batch.sensorNames, (name) => catalog.index.get(name) ?? -1);
  const metricOf = Int32Array.from(batch.metricNames, (name) => METRIC_INDEX.get(name) ?? -1);
  const n = batch.length;
  const out: ValidReadings = {
    length: 0,
    sensor: new Int32Array(n),
    metric: new Uint8Array(n),
    ts: new Float64Array(n),
    value: new Float64Array(n),
    quality: new Uint8Array(n),
  };
  let k = 0;
  for (let i = 0; i < n; i++) {
    const sd = batch.sensor[i];
    const md = batch.metric[i];
    let problem: Problem =
      batch.typeErrors.size > 0 && batch.typeErrors.has(i) ? ['bad-type', batch.typeErrors.get(i)!] : undefined;
    if (!problem && sd >= sensorOf.length)
      problem = [
        'bad-batch',
        `sensor index ${sd} is outside the batch's sensors dictionary (${sensorOf.length} entries)`,
      ];
    if (!problem && md >= metricOf.length)
      problem = [
        'bad-batch',
        `metric index ${md} is outside the batch's metrics dictionary (${metricOf.length} entries)`,
      ];
    const s = sensorOf[sd];
    const m = metricOf[md];
    const ts = batch.ts[i];
    const value = batch.value[i];
    problem ??= rowProblem(ctx, s, m, batch.sensorNames[sd], batch.metricNames[md], ts, value, batch.quality[i]);
    if (problem) {
      ctx.deadLetter({
        reason: problem[0],
        detail: problem[1],
        source: ctx.source,
        sensor: batch.sensorNames[sd],
        metric: batch.metricNames[md],
        ts,
        value,
      });
      continue;
    }
    out.sensor[k] = s;
    out.metric[k] = m;
    out.ts[k] = ts;
    out.value[k] = value;
    out.quality[k] = batch.quality[i];
    k++;
  }
  out.length = k;
  return out;
}

/**
 * Validates a single-reading message. Returns the catalog sensor id times 256 plus the metric id (one
 * number, so the per-message path allocates nothing), or -1 after dead-lettering the reading.
 */
export function validateSingle(r: SingleReading, ctx: ValidationContext): number {
  const s = ctx.catalog.index.get(r.sensor) ?? -1;
  const m = METRIC_INDEX.get(r.metric) ?? -1;
  const problem: Problem =
    r.typeError !== undefined
      ? ['bad-type', r.typeError]
      : rowProblem(ctx, s, m, r.sensor, r.metric, r.ts, r.value, r.quality);
  if (problem) {
    ctx.deadLetter({
      reason: problem[0],
      detail: problem[1],
      source: ctx.source,
      sensor: r.sensor,
      metric: r.metric,
      ts: r.ts,
      value: r.value,
    });
    return -1;
  }
  return s * 256 + m;
}
