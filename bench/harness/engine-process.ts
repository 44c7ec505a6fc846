// `urbanflow run --kafka` as a child process, one member of a consumer group with its own state directory (as a
// separate machine would be): for the real-broker and scale-out tests and the scale benchmark.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UrbanflowProcess } from './urbanflow-process.js';

export interface GroupArgs {
  brokers: string;
  cityFile: string;
  /** Prefix of the input, results and dead-letter topics. */
  prefix: string;
  group: string;
  /** Partitions of the topics the group creates (4 unless said). */
  partitions?: number;
}

export interface EngineArgs extends GroupArgs {
  /** A static group member's id (`--kafka-instance-id`). */
  instanceId?: string;
  workers?: number;
  /** Solver threads (the engine's default unless said). */
  solverThreads?: number;
}

/** The flags naming a group's topics, shared by `run` and `simulate`. */
export function topicFlags(a: GroupArgs): string[] {
  return [
    '--kafka-topic',
    `${a.prefix}.telemetry`,
    '--kafka-results-topic',
    `${a.prefix}.results`,
    '--kafka-dead-letter-topic',
    `${a.prefix}.dead-letters`,
    '--kafka-partitions',
    String(a.partitions ?? 4),
  ];
}

export class EngineProcess extends UrbanflowProcess {
  constructor(a: EngineArgs) {
    super([
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
      ...(a.instanceId ? ['--kafka-instance-id', a.instanceId] : []),
      ...(a.solverThreads !== undefined ? ['--solver-threads', String(a.solverThreads)] : []),
      // Each process keeps its API keys and live forecasts apart, as separate machines would.
      '--state-dir',
      mkdtempSync(join(tmpdir(), 'urbanflow-kafka-engine-')),
      '--log-level',
      'warn',
    ]);
  }

  /** Whether the group has given this process partitions. */
  get assigned(): boolean {
    return this.output.some((l) => l.includes('assigned partitions'));
  }

  /** The operator key printed by the first process of a group (undefined on the others). */
  get bootstrapKey(): string | undefined {
    return /\b(ufk_[0-9a-f]{16}_[A-Za-z0-9_-]{43})\b/.exec(this.stderr)?.[1];
  }
}
