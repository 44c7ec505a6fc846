// The benchmarks by name; each takes its own flags and returns a flat object of figures.
import { forecastBench } from './forecast.js';
import { routingBench } from './routing.js';
import { dispatchBench } from './dispatch.js';
import { streamBench } from './stream.js';
import { signalsBench } from './signals.js';
import { liveBench } from './live.js';
import { apiBench } from './api.js';
import { kafkaBench } from './kafka.js';
import { cliBench } from './cli.js';
import { startBench } from './start.js';
import { mqttBench } from './mqtt.js';
import { uiBench } from './ui.js';
import { scaleBench } from './scale.js';
export type Bench = (args: string[]) => Promise<Record<string, unknown>>;

export const benches: Record<string, Bench> = {
  forecast: forecastBench,
  routing: routingBench,
  stream: streamBench,
  dispatch: dispatchBench,
  signals: signalsBench,
  live: liveBench,
  api: apiBench,
  kafka: kafkaBench,
  cli: cliBench,
  start: startBench,
  mqtt: mqttBench,
  ui: uiBench,
  scale: scaleBench,
};
