// Prometheus gauges of scale-out serving: how far behind each global topic this process reads, its partitions, its leadership.
import { Gauge, type Registry } from 'prom-client';
import type { GlobalTopicLag } from '../../io/kafka/global-table.js';

export interface ScaleOutSources {
  /** Lag of every global topic (the results table and the shared state topics). */
  lags: () => GlobalTopicLag[];
  assignedPartitions: () => number;
  leads: () => boolean;
  errors: () => { publish: number; apply: number };
}

export function registerScaleOutMetrics(registry: Registry, s: ScaleOutSources): void {
  new Gauge({
    name: 'urbanflow_kafka_global_topic_lag',
    help: 'records of a topic read by every process (window results, shared state) between this process and the end',
    labelNames: ['topic'],
    registers: [registry],
    collect() {
      this.reset();
      for (const l of s.lags()) this.set({ topic: l.topic }, l.lag);
    },
  });
  new Gauge({
    name: 'urbanflow_kafka_global_topic_caught_up',
    help: '1 once this process read the topic up to the end offsets it found at start (readiness waits for it)',
    labelNames: ['topic'],
    registers: [registry],
    collect() {
      this.reset();
      for (const l of s.lags()) this.set({ topic: l.topic }, l.caughtUp ? 1 : 0);
    },
  });
  new Gauge({
    name: 'urbanflow_kafka_assigned_partitions',
    help: 'input partitions this process processes (the group shares them)',
    registers: [registry],
    collect() {
      this.set(s.assignedPartitions());
    },
  });
  new Gauge({
    name: 'urbanflow_live_plans_leader',
    help: '1 when this process refreshes the live signal plans for the group (the others serve what it publishes)',
    registers: [registry],
    collect() {
      this.set(s.leads() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'urbanflow_shared_state_errors',
    help: 'changes of shared user state not published (they stay on this process) or records read and not applied, since start',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const e = s.errors();
      this.set({ kind: 'publish' }, e.publish);
      this.set({ kind: 'apply' }, e.apply);
    },
  });
}
