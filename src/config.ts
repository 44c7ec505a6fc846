// The engine's configuration: one typed object built at start-up from flags, then URBANFLOW_* variables, then defaults.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configError } from './errors.js';
// validate.js, not telemetry's index: the configuration loads with `--help`, which must not load the wire codec
import { DEFAULT_MAX_FUTURE_SKEW_MS } from './telemetry/validate.js';

/** Kafka in and out (see src/io/kafka/README.md). */
export interface KafkaConfig {
  /** Bootstrap servers, `host:port,host:port`. */
  brokers: string;
  /** Telemetry in: MessagePack single readings or gateway batches. */
  inputTopic: string;
  resultsTopic: string;
  deadLetterTopic: string;
  /** Consumer group id; also names the changelog topic and prefixes transactional ids. */
  applicationId: string;
  /** Stable id of this process (e.g. a pod name): a restart fences its previous incarnation at once. */
  instanceId?: string;
  commitIntervalMs: number;
  transactionTimeoutMs: number;
  /** Partitions of topics the engine creates when they are missing (the changelog always copies the input's). */
  partitions: number;
  /** Replication factor of created topics; -1 takes the broker default. */
  replicationFactor: number;
  /** librdkafka properties passed through (security.protocol, sasl.*, ssl.*, client tuning). */
  properties: Record<string, string>;
}

export interface RunConfig {
  cityFile?: string;
  operatorsFile?: string;
  /** How NGSI-LD notifications map to readings (src/io/ngsi-ld); the built-in mapping when absent. */
  ngsiLdMappingFile?: string;
  host: string;
  port: number;
  workers: number;
  seed: number;
  /** Simulated milliseconds per wall-clock millisecond for the embedded simulator. */
  speed: number;
  /** Simulated sensors report this many times as often as they naturally do (load tests). */
  reportRate: number;
  /**
   * Start the simulator without history; otherwise `urbanflow run` first replays the simulator's own output for
   * the recent past at full speed, so forecasts and plans exist at once.
   */
  cold: boolean;
  outOfOrdernessMs: number;
  idleTimeoutMs: number;
  /**
   * How far a reading's event time may be ahead of the ingest clock (the wall clock for HTTP, the simulator's clock,
   * the message timestamp on Kafka) before it is a `future` dead letter that moves no watermark.
   */
  maxFutureSkewMs: number;
  resultsFile?: string;
  deadLettersFile?: string;
  /** Forecast history, fitted models, plan versions, the key store, the plan store and the managed city copy. */
  stateDir: string;
  /** `simulator` feeds the embedded city simulator; `http` takes telemetry only from POST /v1/telemetry. */
  source: 'simulator' | 'http';
  solverThreads: number;
  /** Requests per minute per API key by role (0 = unlimited); roles not named keep the defaults. */
  rateLimits: Record<string, number>;
  ingestLimitBytes: number;
  logLevel: string;
  drainDelayMs: number;
  /** Present when telemetry comes from Kafka instead of the embedded simulator. */
  kafka?: KafkaConfig;
}

export type RunFlags = Partial<Record<Exclude<keyof RunConfig, 'kafka'>, string>>;

export type KafkaFlags = Partial<Record<Exclude<keyof KafkaConfig, 'properties'>, string>> & {
  /** `key=value` librdkafka properties from repeated --kafka-config flags. */
  properties?: string[];
  propertiesFile?: string;
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(text: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw configError(`${name} must be a duration like 500ms, 30s, 5m or 1h (got "${text}")`);
  return Math.round(Number(m[1]) * UNITS[m[2]]);
}

function number(text: string, name: string, min: number, integer = true): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw configError(`${name} must be ${integer ? 'a whole number' : 'a number'} >= ${min} (got "${text}")`);
  }
  return n;
}

function flag(text: string, name: string): boolean {
  const t = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(t)) return false;
  throw configError(`${name} must be true or false (got "${text}")`);
}

function oneOf(text: string, name: string, allowed: readonly string[]): string {
  if (!allowed.includes(text)) throw configError(`${name} must be one of ${allowed.join(', ')} (got "${text}")`);
  return text;
}

const ENV: Record<keyof RunFlags, string> = {
  cityFile: 'URBANFLOW_CITY',
  operatorsFile: 'URBANFLOW_OPERATORS',
  ngsiLdMappingFile: 'URBANFLOW_NGSI_LD_MAPPING',
  host: 'URBANFLOW_HOST',
  port: 'URBANFLOW_PORT',
  workers: 'URBANFLOW_WORKERS',
  seed: 'URBANFLOW_SEED',
  speed: 'URBANFLOW_SPEED',
  reportRate: 'URBANFLOW_REPORT_RATE',
  cold: 'URBANFLOW_COLD',
  outOfOrdernessMs: 'URBANFLOW_OUT_OF_ORDERNESS',
  idleTimeoutMs: 'URBANFLOW_IDLE_TIMEOUT',
  maxFutureSkewMs: 'URBANFLOW_MAX_FUTURE_SKEW',
  resultsFile: 'URBANFLOW_RESULTS_FILE',
  deadLettersFile: 'URBANFLOW_DEAD_LETTERS_FILE',
  stateDir: 'URBANFLOW_STATE_DIR',
  source: 'URBANFLOW_SOURCE',
  solverThreads: 'URBANFLOW_SOLVER_THREADS',
  rateLimits: 'URBANFLOW_RATE_LIMITS',
  ingestLimitBytes: 'URBANFLOW_INGEST_LIMIT',
  logLevel: 'URBANFLOW_LOG_LEVEL',
  drainDelayMs: 'URBANFLOW_DRAIN_DELAY',
};

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function parseSizeBytes(text: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!m || Number(m[1]) <= 0)
    throw configError(`${name} must be a size like 512kb, 16mb or a byte count (got "${text}")`);
  return Math.round(Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toLowerCase()]);
}

/** `utility=600,traffic-center=6000`: requests per minute per API key by role. */
export function parseRateLimits(text: string, roles: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [role, value] = part.split('=');
    if (!roles.includes(role)) throw configError(`rate-limit: unknown role "${role}" (roles: ${roles.join(', ')})`);
    out[role] = number(value ?? '', `rate-limit for ${role}`, 0);
  }
  return out;
}

const ROLE_NAMES = ['utility', 'waste-contractor', 'traffic-center', 'operator'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The state directory alone, for commands that manage keys. */
export function stateDirConfig(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env.URBANFLOW_STATE_DIR ?? '.urbanflow';
}

/**
 * `cwd` resolves a relative state directory; it is an argument so the config reads no process state. Kafka
 * flags come apart (repeatable properties); with brokers given, telemetry comes from Kafka.
 */
export function runConfig(flags: RunFlags, env: NodeJS.ProcessEnv, cwd = '.', kafka: KafkaFlags = {}): RunConfig {
  const get = (k: keyof RunFlags): string | undefined => flags[k] ?? env[ENV[k]];
  const or = (k: keyof RunFlags, fallback: string) => get(k) ?? fallback;
  return {
    cityFile: get('cityFile'),
    operatorsFile: get('operatorsFile'),
    ngsiLdMappingFile: get('ngsiLdMappingFile'),
    host: or('host', '127.0.0.1'),
    port: number(or('port', '8080'), 'port', 0),
    workers: number(or('workers', '2'), 'workers', 0),
    seed: number(or('seed', '1'), 'seed', 0),
    speed: number(or('speed', '60'), 'speed', 0.001, false),
    reportRate: number(or('reportRate', '1'), 'report-rate', 0.001, false),
    cold: flag(or('cold', 'false'), 'cold'),
    outOfOrdernessMs: parseDurationMs(or('outOfOrdernessMs', '30s'), 'out-of-orderness'),
    idleTimeoutMs: parseDurationMs(or('idleTimeoutMs', '5m'), 'idle-timeout'),
    maxFutureSkewMs: parseDurationMs(
      or('maxFutureSkewMs', `${DEFAULT_MAX_FUTURE_SKEW_MS / 60_000}m`),
      'max-future-skew',
    ),
    resultsFile: get('resultsFile'),
    deadLettersFile: get('deadLettersFile'),
    stateDir: resolve(cwd, or('stateDir', '.urbanflow')),
    source: oneOf(or('source', 'simulator'), 'source', ['simulator', 'http']) as RunConfig['source'],
    solverThreads: number(or('solverThreads', '1'), 'solver-threads', 1),
    rateLimits: parseRateLimits(or('rateLimits', ''), ROLE_NAMES),
    ingestLimitBytes: parseSizeBytes(or('ingestLimitBytes', '16mb'), 'ingest-limit'),
    logLevel: oneOf(or('logLevel', 'info'), 'log-level', LOG_LEVELS),
    drainDelayMs: parseDurationMs(or('drainDelayMs', '0s'), 'drain-delay'),
    kafka: kafkaConfig(kafka, env),
  };
}

const KAFKA_ENV: Record<Exclude<keyof KafkaFlags, 'properties'>, string> = {
  brokers: 'URBANFLOW_KAFKA_BROKERS',
  inputTopic: 'URBANFLOW_KAFKA_TOPIC',
  resultsTopic: 'URBANFLOW_KAFKA_RESULTS_TOPIC',
  deadLetterTopic: 'URBANFLOW_KAFKA_DEAD_LETTER_TOPIC',
  applicationId: 'URBANFLOW_KAFKA_GROUP',
  instanceId: 'URBANFLOW_KAFKA_INSTANCE_ID',
  commitIntervalMs: 'URBANFLOW_KAFKA_COMMIT_INTERVAL',
  transactionTimeoutMs: 'URBANFLOW_KAFKA_TRANSACTION_TIMEOUT',
  partitions: 'URBANFLOW_KAFKA_PARTITIONS',
  replicationFactor: 'URBANFLOW_KAFKA_REPLICATION',
  propertiesFile: 'URBANFLOW_KAFKA_CONFIG_FILE',
};

/** Environment variables `URBANFLOW_LIBRDKAFKA_SASL_USERNAME=...` pass `sasl.username` (`_` is `.`, `__` is `_`). */
const LIBRDKAFKA_ENV_PREFIX = 'URBANFLOW_LIBRDKAFKA_';

/**
 * Properties the engine sets itself because exactly-once depends on them; passing one is refused rather
 * than silently ignored.
 */
export const RESERVED_KAFKA_PROPERTIES = [
  'bootstrap.servers',
  'metadata.broker.list',
  'group.id',
  'group.instance.id',
  'transactional.id',
  'enable.idempotence',
  'isolation.level',
  'enable.auto.commit',
  'enable.auto.offset.store',
  'rebalance_cb',
  'offset_commit_cb',
];

function parseProperty(line: string, where: string): [string, string] {
  const eq = line.indexOf('=');
  if (eq <= 0) throw configError(`${where}: expected key=value, got "${line}"`);
  return [line.slice(0, eq).trim(), line.slice(eq + 1).trim()];
}

/** Java-style properties: `key=value` lines, `#` or `!` comments, blank lines. */
function readProperties(file: string): [string, string][] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw configError(`cannot read the Kafka properties file ${file}: ${(err as Error).message}`);
  }
  return text
    .split(/\r?\n/)
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l !== '' && !l.startsWith('#') && !l.startsWith('!'))
    .map(([l, n]) => parseProperty(l, `${file} line ${n}`));
}

/** The Kafka configuration when brokers are given by --kafka or URBANFLOW_KAFKA_BROKERS; undefined otherwise. */
export function kafkaConfig(flags: KafkaFlags, env: NodeJS.ProcessEnv): KafkaConfig | undefined {
  const get = (k: Exclude<keyof KafkaFlags, 'properties'>): string | undefined => flags[k] ?? env[KAFKA_ENV[k]];
  const brokers = get('brokers');
  if (brokers === undefined) return undefined;
  if (!/^[^\s,]+(,[^\s,]+)*$/.test(brokers))
    throw configError(`Kafka brokers must be host:port[,host:port...] (got "${brokers}")`);
  const or = (k: Exclude<keyof KafkaFlags, 'properties'>, fallback: string) => get(k) ?? fallback;
  const topic = (k: Exclude<keyof KafkaFlags, 'properties'>, fallback: string) => {
    const name = or(k, fallback);
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name))
      throw configError(`${KAFKA_ENV[k]}: "${name}" is not a valid Kafka topic name (letters, digits, '.', '_', '-')`);
    return name;
  };
  const properties: Record<string, string> = {};
  const file = get('propertiesFile');
  for (const [k, v] of file ? readProperties(file) : []) properties[k] = v;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(LIBRDKAFKA_ENV_PREFIX) || value === undefined) continue;
    const key = name
      .slice(LIBRDKAFKA_ENV_PREFIX.length)
      .toLowerCase()
      .replace(/__/g, '\0')
      .replace(/_/g, '.')
      .replace(/\0/g, '_');
    properties[key] = value;
  }
  for (const line of flags.properties ?? []) {
    const [k, v] = parseProperty(line, '--kafka-config');
    properties[k] = v;
  }
  for (const k of Object.keys(properties)) {
    if (RESERVED_KAFKA_PROPERTIES.includes(k))
      throw configError(
        `the Kafka property ${k} is set by urbanflow (exactly-once depends on it); remove it from the passed-through configuration`,
      );
  }
  const applicationId = or('applicationId', 'urbanflow');
  if (!/^[a-zA-Z0-9._-]{1,200}$/.test(applicationId))
    throw configError(`the Kafka group id must use letters, digits, '.', '_', '-' (got "${applicationId}")`);
  return {
    brokers,
    inputTopic: topic('inputTopic', 'urbanflow.telemetry'),
    resultsTopic: topic('resultsTopic', 'urbanflow.window-results'),
    deadLetterTopic: topic('deadLetterTopic', 'urbanflow.dead-letters'),
    applicationId,
    instanceId: get('instanceId'),
    commitIntervalMs: parseDurationMs(or('commitIntervalMs', '500ms'), 'Kafka commit interval'),
    transactionTimeoutMs: parseDurationMs(or('transactionTimeoutMs', '10s'), 'Kafka transaction timeout'),
    partitions: number(or('partitions', '6'), 'Kafka partitions', 1),
    replicationFactor: number(or('replicationFactor', '-1'), 'Kafka replication factor', -1),
    properties,
  };
}
