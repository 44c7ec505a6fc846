// Valid readings gathered in columns that grow by doubling: what a source (the JSON ingest, an MQTT source) hands the
// stream engine in one call.
import { doubledCapacity, resized } from '../typed-arrays.js';
import type { ValidReadings } from './validate.js';

export class ReadingColumns implements ValidReadings {
  length = 0;
  sensor: Int32Array;
  metric: Uint8Array;
  ts: Float64Array;
  value: Float64Array;
  quality: Uint8Array;

  constructor(capacity: number) {
    this.sensor = new Int32Array(capacity);
    this.metric = new Uint8Array(capacity);
    this.ts = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.quality = new Uint8Array(capacity);
  }

  push(sensor: number, metric: number, ts: number, value: number, quality: number): void {
    if (this.length === this.ts.length) this.reserve(this.length + 1);
    const i = this.length++;
    this.sensor[i] = sensor;
    this.metric[i] = metric;
    this.ts[i] = ts;
    this.value[i] = value;
    this.quality[i] = quality;
  }

  append(v: ValidReadings): void {
    const need = this.length + v.length;
    this.reserve(need);
    this.sensor.set(v.sensor.subarray(0, v.length), this.length);
    this.metric.set(v.metric.subarray(0, v.length), this.length);
    this.ts.set(v.ts.subarray(0, v.length), this.length);
    this.value.set(v.value.subarray(0, v.length), this.length);
    this.quality.set(v.quality.subarray(0, v.length), this.length);
    this.length = need;
  }

  private reserve(need: number): void {
    if (need <= this.ts.length) return;
    const size = doubledCapacity(this.ts.length, need);
    this.sensor = resized(this.sensor, size);
    this.metric = resized(this.metric, size);
    this.ts = resized(this.ts, size);
    this.value = resized(this.value, size);
    this.quality = resized(this.quality, size);
  }
}
