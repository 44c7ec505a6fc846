// The telemetry reading: one measurement of one metric by one sensor at an event time.

/** Quality as reported by the sensor or gateway; `bad` readings are counted but not aggregated. */
export type Quality = 'good' | 'uncertain' | 'bad';
export const QUALITY_CODES: Record<Quality, number> = { good: 0, uncertain: 1, bad: 2 };
export const QUALITY_NAMES: Quality[] = ['good', 'uncertain', 'bad'];

export interface Reading {
  /** Sensor id as declared in the city file (detector, feeder meter, DR resource, bin sensor, weather station). */
  sensor: string;
  /** Metric name from the metric registry (metrics.ts), e.g. `detector.count`. */
  metric: string;
  /** Event time in epoch milliseconds. */
  ts: number;
  value: number;
  quality?: Quality;
}
