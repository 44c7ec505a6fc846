// Engine processes for the real-broker tests: `urbanflow run --kafka` as a child process, killed with SIGKILL or stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../bin/urbanflow.js', import.meta.url));

export interface EngineArgs {
  brokers: string;
  cityFile: string;
  prefix: string;
  group: string;
  instanceId?: string;
  workers?: number;
}

export class EngineProcess {
  readonly output: string[] = [];
  private readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(a: EngineArgs) {
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
      String(a.workers ?? 1),
      '--out-of-orderness',
      '30s',
      '--kafka-topic',
      `${a.prefix}.telemetry`,
      '--kafka-results-topic',
      `${a.prefix}.results`,
      '--kafka-dead-letter-topic',
      `${a.prefix}.dead-letters`,
      '--kafka-group',
      a.group,
      '--kafka-commit-interval',
      '200ms',
      '--kafka-transaction-timeout',
      '5s',
      '--kafka-partitions',
      '4',
      '--kafka-config',
      'session.timeout.ms=6000',
      '--kafka-config',
      'heartbeat.interval.ms=500',
    ];
    if (a.instanceId) args.push('--kafka-instance-id', a.instanceId);
    // Each process keeps its API keys and live forecasts apart, as separate machines would.
    args.push('--state-dir', mkdtempSync(join(tmpdir(), 'urbanflow-kafka-engine-')), '--log-level', 'warn');
    this.proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const t0 = Date.now();
    this.proc.stderr!.on('data', (d: Buffer) =>
      this.output.push(
        ...d
          .toString()
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => `+${Date.now() - t0}ms ${l}`),
      ),
    );
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  get assigned(): boolean {
    return this.output.some((l) => l.includes('assigned partitions'));
  }

  /** A crash: no shutdown hook runs, the open transaction is left to be fenced or to time out. */
  async kill9(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop: commits, leaves the group, exits 0. */
  async stop(): Promise<number | null> {
    this.proc.kill('SIGTERM');
    return this.exited;
  }
}
