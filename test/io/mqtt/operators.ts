// The one window operator the MQTT tests aggregate with: five-minute detector counts, a minute of allowed lateness.
import type { OperatorSpec } from '../../../src/stream/index.js';

export const OPERATORS: OperatorSpec[] = [
  {
    name: 'count-5m',
    metric: 'detector.count',
    keyBy: 'sensor',
    window: { type: 'tumbling', sizeMs: 300_000 },
    aggregates: ['sum', 'count'],
    allowedLatenessMs: 60_000,
  },
];
