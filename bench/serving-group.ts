// Processes of one Kafka group serving the API (`urbanflow run --kafka` children), the simulator feeding them, and HTTP helpers: for the scale-out test and benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../bin/urbanflow.js' : '../../bin/urbanflow.js', import.meta.url),
);

export interface GroupArgs {
  brokers: string;
  cityFile: string;
  /** Prefix of the input, results and dead-letter topics. */
  prefix: string;
  group: string;
  partitions: number;
}

function topicFlags(a: GroupArgs): string[] {
  return [
    '--kafka-topic',
    `${a.prefix}.telemetry`,
    '--kafka-results-topic',
    `${a.prefix}.results`,
    '--kafka-dead-letter-topic',
    `${a.prefix}.dead-letters`,
    '--kafka-partitions',
    String(a.partitions),
  ];
}

/** One `urbanflow run --kafka` process with its own state directory (as a separate machine), on a free port. */
export class ServingProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  /** The API's base URL, once it listens. */
  readonly address: Promise<string>;
  private readonly proc: ChildProcess;

  constructor(
    a: GroupArgs,
    readonly name: string,
  ) {
    const args = [
      CLI,
      'run',
      '--kafka',
      a.brokers,
      '--city',
      a.cityFile,
      '--port',
      '0',
      '--workers',
      '1',
      '--out-of-orderness',
      '30s',
      ...topicFlags(a),
      '--kafka-group',
      a.group,
      '--kafka-commit-interval',
      '200ms',
      '--kafka-transaction-timeout',
      '5s',
      '--kafka-config',
      'session.timeout.ms=6000',
      '--kafka-config',
      'heartbeat.interval.ms=500',
      '--state-dir',
      mkdtempSync(join(tmpdir(), 'urbanflow-serving-')),
      '--log-level',
      'warn',
      '--solver-threads',
      '1',
    ];
    this.proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const t0 = Date.now();
    let listening: (url: string) => void;
    this.address = new Promise((resolve) => (listening = resolve));
    this.proc.stderr!.on('data', (d: Buffer) => {
      for (const l of d
        .toString()
        .split('\n')
        .filter((x) => x !== '')) {
        this.output.push(`+${Date.now() - t0}ms ${l}`);
        const m = /API on (http:\/\/[^\s]+)/.exec(l);
        if (m) listening(m[1]);
      }
    });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  /** The operator key printed by the first process of a group (undefined on the others). */
  get bootstrapKey(): string | undefined {
    for (const l of this.output) {
      const m = /\b(ufk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})\b/.exec(l);
      if (m) return m[1];
    }
    return undefined;
  }

  async kill9(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<number | null> {
    this.proc.kill('SIGTERM');
    return this.exited;
  }
}

/** `urbanflow simulate --kafka` for a range of simulated time; with `pace`, that many times the wall clock. */
export function simulate(a: GroupArgs, o: { fromMs: number; durationMs: number; pace?: number }): ChildProcess {
  const args = [
    CLI,
    'simulate',
    '--kafka',
    a.brokers,
    '--city',
    a.cityFile,
    ...topicFlags(a),
    '--from',
    new Date(o.fromMs).toISOString(),
    '--duration',
    `${Math.round(o.durationMs / 1000)}s`,
  ];
  if (o.pace !== undefined) args.push('--pace', String(o.pace));
  return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function exitOf(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    p.exitCode !== null ? resolve(p.exitCode) : p.once('exit', (code) => resolve(code)),
  );
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export async function call(
  base: string,
  path: string,
  key: string | undefined,
  init: { method?: string; body?: unknown } = {},
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') body = JSON.parse(text);
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body };
}

/** A gauge of the process's /metrics (summed over labels), or undefined when absent. */
export async function gauge(base: string, key: string, name: string): Promise<number | undefined> {
  const r = await call(base, '/metrics', key);
  let sum: number | undefined;
  for (const line of String(r.body).split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
