// The engine's configuration: one typed object built at start-up from flags, then URBANFLOW_* variables, then defaults.
import { resolve } from 'node:path';
import { configError } from './errors.js';

export interface RunConfig {
  cityFile?: string;
  operatorsFile?: string;
  host: string;
  port: number;
  workers: number;
  seed: number;
  /** Simulated milliseconds per wall-clock millisecond for the embedded simulator. */
  speed: number;
  /** Simulated sensors report this many times as often as they naturally do (load tests). */
  reportRate: number;
  outOfOrdernessMs: number;
  idleTimeoutMs: number;
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
}

export type RunFlags = Partial<Record<keyof RunConfig, string>>;

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

function oneOf(text: string, name: string, allowed: readonly string[]): string {
  if (!allowed.includes(text)) throw configError(`${name} must be one of ${allowed.join(', ')} (got "${text}")`);
  return text;
}

const ENV: Record<keyof RunConfig, string> = {
  cityFile: 'URBANFLOW_CITY',
  operatorsFile: 'URBANFLOW_OPERATORS',
  host: 'URBANFLOW_HOST',
  port: 'URBANFLOW_PORT',
  workers: 'URBANFLOW_WORKERS',
  seed: 'URBANFLOW_SEED',
  speed: 'URBANFLOW_SPEED',
  reportRate: 'URBANFLOW_REPORT_RATE',
  outOfOrdernessMs: 'URBANFLOW_OUT_OF_ORDERNESS',
  idleTimeoutMs: 'URBANFLOW_IDLE_TIMEOUT',
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
  if (!m || Number(m[1]) <= 0) throw configError(`${name} must be a size like 512kb, 16mb or a byte count (got "${text}")`);
  return Math.round(Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toLowerCase()]);
}

/** `utility=600,traffic-center=6000`: requests per minute per API key by role. */
export function parseRateLimits(text: string, roles: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
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

/** `cwd` resolves a relative state directory; it is an argument so the config reads no process state. */
export function runConfig(flags: RunFlags, env: NodeJS.ProcessEnv, cwd = '.'): RunConfig {
  const get = (k: keyof RunConfig): string | undefined => flags[k] ?? env[ENV[k]];
  const or = (k: keyof RunConfig, fallback: string) => get(k) ?? fallback;
  return {
    cityFile: get('cityFile'),
    operatorsFile: get('operatorsFile'),
    host: or('host', '127.0.0.1'),
    port: number(or('port', '8080'), 'port', 0),
    workers: number(or('workers', '2'), 'workers', 0),
    seed: number(or('seed', '1'), 'seed', 0),
    speed: number(or('speed', '60'), 'speed', 0.001, false),
    reportRate: number(or('reportRate', '1'), 'report-rate', 0.001, false),
    outOfOrdernessMs: parseDurationMs(or('outOfOrdernessMs', '30s'), 'out-of-orderness'),
    idleTimeoutMs: parseDurationMs(or('idleTimeoutMs', '5m'), 'idle-timeout'),
    resultsFile: get('resultsFile'),
    deadLettersFile: get('deadLettersFile'),
    stateDir: resolve(cwd, or('stateDir', '.urbanflow')),
    source: oneOf(or('source', 'simulator'), 'source', ['simulator', 'http']) as RunConfig['source'],
    solverThreads: number(or('solverThreads', '1'), 'solver-threads', 1),
    rateLimits: parseRateLimits(or('rateLimits', ''), ROLE_NAMES),
    ingestLimitBytes: parseSizeBytes(or('ingestLimitBytes', '16mb'), 'ingest-limit'),
    logLevel: oneOf(or('logLevel', 'info'), 'log-level', LOG_LEVELS),
    drainDelayMs: parseDurationMs(or('drainDelayMs', '0s'), 'drain-delay'),
  };
}
