// `urbanflow simulate`: runs the embedded simulator over an event-time range and prints the readings in arrival
// order, or with --kafka produces them into the telemetry topic, each on its co-partition unit's partition.
import { inputError } from '../../errors.js';
import type { City } from '../../city/index.js';
import { kafkaConfig, type KafkaConfig } from '../../config.js';
import { readTextFile } from '../../io/read-text-file.js';
import type { Simulator } from '../../sim/index.js';
import { addKafkaOptions, kafkaFlags } from '../kafka-options.js';
import type { SensorKind, Reading } from '../../telemetry/index.js';
import type { RegisterCommand } from './index.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const KINDS: SensorKind[] = ['detector', 'feeder-meter', 'dr-resource', 'bin', 'weather'];
const CHUNK_MS = 60_000;

/** `90s`, `15m`, `1h`, `2d`, `500ms` to milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw inputError(`${flag} must be a duration like 90s, 15m, 1h or 2d (got "${text}")`, { flag });
  return Math.round(Number(m[1]) * UNITS[m[2]]);
}

function parseInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw inputError(`${flag} must be an integer (got "${text}")`, { flag });
  return n;
}

function parseTime(text: string | undefined): number {
  // The CLI is the edge where the wall clock may be read; the simulator itself only sees the number.
  if (text === undefined) return Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw inputError(`--from must be an ISO date-time such as 2026-06-15T07:00:00Z (got "${text}")`, {
      flag: '--from',
    });
  return t;
}

function toLine(r: Reading): string {
  return r.quality === undefined
    ? JSON.stringify({ sensor: r.sensor, metric: r.metric, ts: r.ts, value: r.value })
    : JSON.stringify(r);
}

interface SimulateOptions {
  city?: string;
  seed: string;
  from?: string;
  duration: string;
  speed: string;
  kinds?: string;
  collection: string;
  ndjson?: boolean;
  operators?: string;
  single?: boolean;
  pace?: string;
  mqttQos?: string;
  [kafka: string]: unknown;
}

/** Publishes the range to an MQTT broker; with --pace, simulated time runs that many times the wall clock. */
async function publishToMqtt(
  url: string,
  sim: Simulator,
  from: number,
  to: number,
  opts: SimulateOptions,
): Promise<void> {
  const { TelemetryPublisher } = await import('../../io/mqtt/telemetry-publisher.js');
  const { parseTopicTemplate, DEFAULT_BATCH_TOPIC, DEFAULT_READING_TOPIC } = await import('../../io/mqtt/topics.js');
  const qos = opts.mqttQos ?? '1';
  if (qos !== '0' && qos !== '1') throw inputError(`--mqtt-qos must be 0 or 1 (got "${qos}")`, { flag: '--mqtt-qos' });
  const pem = (file: unknown) => (typeof file === 'string' ? readText(file) : undefined);
  const publisher = await TelemetryPublisher.connect({
    url,
    tenant: (opts.mqttTenant as string | undefined) ?? 'local',
    readingTopic: parseTopicTemplate((opts.mqttTopic as string | undefined) ?? DEFAULT_READING_TOPIC, '--mqtt-topic', [
      'sensor',
      'metric',
    ]),
    batchTopic: parseTopicTemplate(
      (opts.mqttBatchTopic as string | undefined) ?? DEFAULT_BATCH_TOPIC,
      '--mqtt-batch-topic',
    ),
    single: opts.single === true,
    qos: qos === '1' ? 1 : 0,
    client: {
      username: opts.mqttUsername as string | undefined,
      password: (opts.mqttPassword as string | undefined) ?? process.env.URBANFLOW_MQTT_PASSWORD,
      ca: pem(opts.mqttCa),
      rejectUnauthorized: opts.mqttInsecure !== true,
    },
  });
  await stepRange(sim, from, to, opts.pace, (batch) => publisher.send(batch));
  await publisher.close();
  process.stderr.write(`urbanflow: ${publisher.readings} readings in ${publisher.messages} MQTT messages to ${url}\n`);
}

/**
 * Steps the simulator over [from, to) a chunk at a time and hands each chunk to `send` (the chunk's array is reused:
 * `send` must be done with it when it returns or resolves); with --pace, simulated time runs that many times the
 * wall clock.
 */
async function stepRange(
  sim: Simulator,
  from: number,
  to: number,
  paceFlag: SimulateOptions['pace'],
  send: (batch: Reading[]) => Promise<void> | void,
): Promise<void> {
  const pace = paceFlag === undefined ? undefined : Number(paceFlag);
  if (pace !== undefined && !(pace > 0))
    throw inputError(`--pace must be a positive number (got "${paceFlag}")`, { flag: '--pace' });
  const wallStart = Date.now();
  const step = pace === undefined ? CHUNK_MS : Math.max(100, Math.min(CHUNK_MS, pace * 200));
  const batch: Reading[] = [];
  for (let t = from; t < to; t += step) {
    if (pace !== undefined) {
      const due = wallStart + (t - from) / pace;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    batch.length = 0;
    sim.stepInto(t, Math.min(to, t + step), batch);
    await send(batch);
  }
}

/** Produces the range into Kafka; with --pace, simulated time runs that many times the wall clock. */
async function produceToKafka(
  config: KafkaConfig,
  city: City,
  sim: Simulator,
  from: number,
  to: number,
  opts: SimulateOptions,
): Promise<void> {
  // Kafka's client (native) is loaded only when the readings go to Kafka.
  const { TelemetryProducer } = await import('../../io/kafka/index.js');
  const { parseOperators, DEFAULT_OPERATORS } = await import('../../app/operators.js');
  const { catalogFromCity } = await import('../../app/catalog.js');
  const catalog = catalogFromCity(city);
  const operators = opts.operators
    ? parseOperators(JSON.parse(readText(opts.operators)), [...catalog.groupings.keys()])
    : DEFAULT_OPERATORS;
  const producer = await TelemetryProducer.connect({ config, catalog, operators, single: opts.single });
  let readings = 0;
  await stepRange(sim, from, to, opts.pace, (batch) => {
    producer.send(batch);
    readings += batch.length;
  });
  await producer.close();
  process.stderr.write(
    `urbanflow: ${readings} readings in ${producer.messages} messages to ${config.inputTopic} (${producer.partitions} partitions) on ${config.brokers}\n`,
  );
}

export const registerSimulateCommand: RegisterCommand = (program) => {
  const cmd = program
    .command('simulate')
    .description('Print simulated readings (arrival order, each with its event time ts) for a city over a time range')
    .option('--city <file>', 'city file (the shipped sample city when absent)')
    .option('--seed <n>', 'random seed', '1')
    .option(
      '--from <iso>',
      'start of the range (event and arrival time); the current hour when absent (with --kafka: the range ends now)',
    )
    .option('--duration <d>', 'length of the range, e.g. 90s, 15m, 1h, 2d', '1h')
    .option('--speed <x>', 'reporting intervals divided by this (1 = natural)', '1')
    .option('--kinds <list>', `only these sensor kinds, comma-separated (${KINDS.join(', ')})`)
    .option('--collection <policy>', 'bin emptying: default (service schedule) or manual', 'default')
    .option('--ndjson', 'one JSON reading per line (the default format)')
    .option(
      '--operators <file>',
      'with --kafka: the operators the engines run, which decide the co-partition units (default: the built-in set)',
    )
    .option(
      '--single',
      'with --kafka: one message per reading, keyed by its co-partition unit, instead of gateway batches; with --mqtt: one message per reading on the reading topic',
    )
    .option(
      '--pace <x>',
      'with --kafka or --mqtt: simulated milliseconds per wall-clock millisecond (default: as fast as the broker takes them)',
    )
    .option(
      '--mqtt <url>',
      'publish to this MQTT broker (mqtt://host:1883, mqtts://...): gateway batches on the batch topic, or --single',
    )
    .option('--mqtt-tenant <name>', 'with --mqtt: the {tenant} level of the topics (default local)')
    .option(
      '--mqtt-topic <template>',
      'with --mqtt --single: reading topic (default urbanflow/{tenant}/{sensor}/{metric})',
    )
    .option('--mqtt-batch-topic <template>', 'with --mqtt: batch topic (default urbanflow/{tenant}/batch)')
    .option('--mqtt-qos <0|1>', 'with --mqtt: publish QoS (default 1)')
    .option('--mqtt-username <name>', 'with --mqtt: user name')
    .option(
      '--mqtt-password <key>',
      "with --mqtt: password (the embedded broker's: an API key; better: URBANFLOW_MQTT_PASSWORD)",
    )
    .option('--mqtt-ca <file>', 'with --mqtt: PEM CA certificate to verify the broker with')
    .option('--mqtt-insecure', 'with --mqtt: do not verify the broker certificate (tests only)');
  addKafkaOptions(cmd).action(async (opts: SimulateOptions) => {
    const { loadCity, loadSampleCity } = await import('../../city/index.js');
    const { createSimulator } = await import('../../sim/index.js');
    const city =
      opts.city === undefined
        ? loadSampleCity()
        : loadCity(readText(opts.city), (message) => process.stderr.write(`warning: ${opts.city}: ${message}\n`));
    const kinds = opts.kinds?.split(',').map((k) => k.trim()) as SensorKind[] | undefined;
    for (const k of kinds ?? [])
      if (!KINDS.includes(k))
        throw inputError(`--kinds: unknown sensor kind "${k}" (known: ${KINDS.join(', ')})`, { flag: '--kinds' });
    const speed = Number(opts.speed);
    if (!(speed > 0)) throw inputError(`--speed must be a positive number (got "${opts.speed}")`, { flag: '--speed' });
    if (opts.collection !== 'default' && opts.collection !== 'manual')
      throw inputError(`--collection must be default or manual (got "${opts.collection}")`, { flag: '--collection' });
    const duration = parseDuration(opts.duration, '--duration');
    const kafka = kafkaConfig(kafkaFlags(opts), process.env);
    const mqttUrl = opts.mqtt as string | undefined;
    if (kafka && mqttUrl)
      throw inputError('--kafka and --mqtt go to different places: give one of them', { flag: '--mqtt' });
    // On Kafka the engine judges event time against each message's timestamp (the wall clock when produced): a
    // range that ends now is never ahead of it, at any --pace, where one starting now would be `future` dead letters.
    const from =
      (kafka || mqttUrl) && opts.from === undefined
        ? Math.floor((Date.now() - duration) / 60_000) * 60_000
        : parseTime(opts.from);
    const to = from + duration;
    const sim = createSimulator(city, {
      seed: parseInteger(opts.seed, '--seed'),
      startMs: from,
      speed,
      sensorKinds: kinds,
      collection: opts.collection,
    });
    if (kafka) return produceToKafka(kafka, city, sim, from, to, opts);
    if (mqttUrl) return publishToMqtt(mqttUrl, sim, from, to, opts);
    // A closed pipe (e.g. `| head`) ends the run quietly.
    let closed = false;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closed = true;
    });
    const batch: Reading[] = [];
    for (let t = from; t < to && !closed; t += CHUNK_MS) {
      batch.length = 0;
      sim.stepInto(t, Math.min(to, t + CHUNK_MS), batch);
      if (batch.length === 0) continue;
      if (!process.stdout.write(`${batch.map(toLine).join('\n')}\n`)) await drained();
    }
  });
};

/** Resolves when stdout can take more, or has closed. */
function drained(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.stdout.off('drain', done);
      process.stdout.off('error', done);
      resolve();
    };
    process.stdout.on('drain', done);
    process.stdout.on('error', done);
  });
}

function readText(file: string): string {
  try {
    return readTextFile(file);
  } catch (err) {
    throw inputError(`cannot read city file ${file}: ${(err as Error).message}`, { file });
  }
}
