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
  /** Directory where forecast history, fitted models and plan versions persist across restarts. */
  stateDir: string;
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
};

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
  };
}
