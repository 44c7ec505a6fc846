// Validation of decoded readings against the catalog and metric registry: good rows pass, bad rows become dead letters.
import { SENSOR_KINDS, metricKindTable, type SensorCatalog } from './catalog.js';
import type { DecodedBatch } from './codec.js';
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

export interface ValidationContext {
  catalog: SensorCatalog;
  /** Processing time, for the far-future check. */
  nowMs: number;
  /** How far ahead of `nowMs` an event time may be before it counts as a clock error. */
  maxFutureMs: number;
  source: string;
  deadLetter: DeadLetterSink;
}

const KINDS = SENSOR_KINDS.length;
const ALLOWED = metricKindTable();

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
  const latest = ctx.nowMs + ctx.maxFutureMs;
  const reject = (i: number, reason: DeadLetterReason, detail: string) => {
    ctx.deadLetter({
      reason,
      detail,
      source: ctx.source,
      sensor: batch.sensorNames[batch.sensor[i]],
      metric: batch.metricNames[batch.metric[i]],
      ts: batch.ts[i],
      value: batch.value[i],
    });
  };
  let k = 0;
  for (let i = 0; i < n; i++) {
    const typeError = batch.typeErrors.size > 0 ? batch.typeErrors.get(i) : undefined;
    if (typeError !== undefined) {
      reject(i, 'bad-type', typeError);
      continue;
    }
    const sd = batch.sensor[i];
    const md = batch.metric[i];
    if (sd >= sensorOf.length) {
      reject(i, 'bad-batch', `sensor index ${sd} is outside the batch's sensors dictionary (${sensorOf.length} entries)`);
      continue;
    }
    if (md >= metricOf.length) {
      reject(i, 'bad-batch', `metric index ${md} is outside the batch's metrics dictionary (${metricOf.length} entries)`);
      continue;
    }
    const s = sensorOf[sd];
    const m = metricOf[md];
    if (s < 0) {
      reject(i, 'unknown-sensor', `sensor '${batch.sensorNames[sd]}' is not in the city model`);
      continue;
    }
    if (m < 0) {
      reject(i, 'unknown-metric', `metric '${batch.metricNames[md]}' is not a known metric`);
      continue;
    }
    if (!ALLOWED[m * KINDS + catalog.kind[s]]) {
      reject(i, 'metric-not-for-sensor', `a ${SENSOR_KINDS[catalog.kind[s]]} sensor does not report '${METRICS[m].name}'`);
      continue;
    }
    const ts = batch.ts[i];
    const value = batch.value[i];
    if (!Number.isFinite(ts) || !Number.isFinite(value)) {
      reject(i, 'non-finite', `${Number.isFinite(ts) ? 'value' : 'ts'} is ${Number.isFinite(ts) ? value : ts}`);
      continue;
    }
    if (ts < 0) {
      reject(i, 'ts-before-epoch', `ts ${ts} is before 1970-01-01`);
      continue;
    }
    if (ts > latest) {
      reject(i, 'ts-in-future', `ts ${new Date(ts).toISOString()} is more than ${ctx.maxFutureMs} ms ahead of the engine clock`);
      continue;
    }
    const spec = METRICS[m];
    if (value < spec.min || value > spec.max) {
      reject(i, 'out-of-range', `${spec.name} must be within [${spec.min}, ${spec.max}] ${spec.unit}, got ${value}`);
      continue;
    }
    if (batch.quality[i] > 2) {
      reject(i, 'bad-type', `quality code ${batch.quality[i]} is not 0 (good), 1 (uncertain) or 2 (bad)`);
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
