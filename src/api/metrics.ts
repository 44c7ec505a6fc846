// Prometheus metrics: engine counters read at scrape time, HTTP and solver latency histograms, hooks for sources.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pipeline } from '../app/index.js';
import type { EngineStats, LateRateStatus } from '../stream/index.js';

/** The engine stats that are one number. */
type ScalarStat = { [K in keyof EngineStats]: EngineStats[K] extends number ? K : never }[keyof EngineStats];

/** Consumer lag per topic partition, reported by a Kafka source at scrape time. */
export type LagProvider = () => { topic: string; partition: number; lag: number }[];

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SOLVER_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/** Engine figures exported as they are at scrape time: counters (running totals) and gauges, by the stat they read. */
const ENGINE_METRICS: { type: 'counter' | 'gauge'; stat: ScalarStat; name: string; help: string }[] = [
  {
    type: 'counter',
    stat: 'messages',
    name: 'urbanflow_ingest_messages_total',
    help: 'Messages (single readings or batches) received from every source',
  },
  {
    type: 'counter',
    stat: 'readings',
    name: 'urbanflow_ingest_readings_total',
    help: 'Readings received from every source',
  },
  {
    type: 'counter',
    stat: 'accepted',
    name: 'urbanflow_readings_routed_total',
    help: 'Valid readings routed to a window operator (one per operator that takes them)',
  },
  {
    type: 'counter',
    stat: 'badQuality',
    name: 'urbanflow_readings_bad_quality_total',
    help: 'Readings flagged bad by their sensor and skipped',
  },
  {
    type: 'counter',
    stat: 'late',
    name: 'urbanflow_late_readings_total',
    help: 'Readings refused as late by a window operator (one per operator), all sources',
  },
  {
    type: 'counter',
    stat: 'results',
    name: 'urbanflow_window_results_total',
    help: 'Window results emitted',
  },
  {
    type: 'gauge',
    stat: 'activeWindows',
    name: 'urbanflow_active_windows',
    help: 'Open windows across workers',
  },
  {
    type: 'gauge',
    stat: 'tasksInFlight',
    name: 'urbanflow_worker_tasks_in_flight',
    help: 'Reading batches sent to stream workers and not yet answered',
  },
];

function counterFrom(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** A gauge read at scrape time; while `read` gives undefined it keeps no new value (absent until the first one). */
function gaugeFrom(registry: Registry, name: string, help: string, read: () => number | undefined): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value !== undefined) this.set(value);
    },
  });
}

export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly solverDuration: Histogram<'kind' | 'outcome'>;
  readonly httpIngestReadings: Counter<'outcome'>;
  readonly httpIngestRefused: Counter<'reason'>;
  /** Dispatch plans meant for the decomposition that the full model solved, by the plan's `decomposition.fallback.reason`. */
  readonly decompositionFallbacks: Counter<'reason'>;
  readonly dispatchPlansRepaired: Counter;
  private readonly lagProviders: LagProvider[] = [];

  constructor(
    pipeline: Pipeline,
    planCounts: () => { kind: string; status: string; count: number }[],
    lateDrops: () => LateRateStatus,
  ) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'urbanflow_' });
    const stats = () => pipeline.engine.stats();
    for (const m of ENGINE_METRICS) {
      const read = () => stats()[m.stat];
      if (m.type === 'counter') counterFrom(r, m.name, m.help, read);
      else gaugeFrom(r, m.name, m.help, read);
    }
    gaugeFrom(
      r,
      'urbanflow_late_drop_ratio',
      'Late readings per routed reading over the last minute',
      () => lateDrops().recentRatio,
    );
    gaugeFrom(
      r,
      'urbanflow_late_drops_abnormal',
      '1 while the late share of the last minute is far above the usual one (a source clock or the out-of-orderness bound may be wrong)',
      () => (lateDrops().abnormal ? 1 : 0),
    );
    new Counter({
      name: 'urbanflow_dead_letters_total',
      help: 'Readings or messages refused, by reason',
      labelNames: ['reason'],
      registers: [r],
      collect() {
        this.reset();
        for (const [reason, n] of pipeline.deadLetters.counts) this.inc({ reason }, n);
      },
    });
    new Gauge({
      name: 'urbanflow_window_emit_delay_seconds',
      help: 'Wall-clock delay from a watermark passing a window end to its result, by quantile',
      labelNames: ['quantile'],
      registers: [r],
      collect() {
        const s = stats();
        this.set({ quantile: '0.5' }, s.emitDelayP50Ms / 1000);
        this.set({ quantile: '0.99' }, s.emitDelayP99Ms / 1000);
      },
    });
    gaugeFrom(
      r,
      'urbanflow_watermark_seconds',
      'Event-time watermark (epoch seconds); absent before the first reading',
      () => {
        const w = stats().watermark;
        return Number.isFinite(w) ? w / 1000 : undefined;
      },
    );
    const lagProviders = this.lagProviders;
    new Gauge({
      name: 'urbanflow_consumer_lag',
      help: 'Messages behind the end of each Kafka topic partition',
      labelNames: ['topic', 'partition'],
      registers: [r],
      collect() {
        this.reset();
        for (const provide of lagProviders)
          for (const l of provide()) this.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
      },
    });
    new Gauge({
      name: 'urbanflow_plans',
      help: 'Stored plans by kind and status',
      labelNames: ['kind', 'status'],
      registers: [r],
      collect() {
        this.reset();
        for (const c of planCounts()) this.set({ kind: c.kind, status: c.status }, c.count);
      },
    });
    // The instruments the API updates itself, all in this registry.
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers: [r] });
    const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
      new Histogram<L>({ name, help, labelNames, buckets, registers: [r] });
    this.httpDuration = histogram(
      'urbanflow_http_request_duration_seconds',
      'HTTP request duration by route and status',
      ['method', 'route', 'status'],
      LATENCY_BUCKETS,
    );
    this.solverDuration = histogram(
      'urbanflow_solver_duration_seconds',
      'Plan solve time in the solver pool by kind and outcome',
      ['kind', 'outcome'],
      SOLVER_BUCKETS,
    );
    this.httpIngestReadings = counter(
      'urbanflow_http_ingest_readings_total',
      'Readings received over HTTP by outcome',
      ['outcome'],
    );
    this.httpIngestRefused = counter(
      'urbanflow_http_ingest_refused_total',
      'HTTP ingest requests refused with an error status, by reason',
      ['reason'],
    );
    this.decompositionFallbacks = counter(
      'urbanflow_dispatch_decomposition_fallbacks_total',
      'Dispatch plans meant for the decomposition that the full model solved instead, by reason (numerical trouble, not converged, gap not proven, plan rejected)',
      ['reason'],
    );
    this.dispatchPlansRepaired = counter(
      'urbanflow_dispatch_plans_repaired_total',
      'Dispatch plans the time budget stopped that broke a rule and were repaired before they were returned (repairedPlan)',
      [],
    );
  }

  /** A source (the Kafka consumer) reports its lag through this hook. */
  addLagProvider(provide: LagProvider): void {
    this.lagProviders.push(provide);
  }

  /**
   * Times every matched route with a hook of its own, which holds the route's labelled children: nothing is looked up
   * per request. Unmatched requests are recorded by the not-found handler through `observeUnmatched`.
   */
  install(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const byStatus = new Map<number, Histogram.Internal<'method' | 'route' | 'status'>>();
      const method = String(route.method);
      const hook = (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        let child = byStatus.get(reply.statusCode);
        if (!child)
          byStatus.set(
            reply.statusCode,
            (child = this.httpDuration.labels({ method, route: route.url, status: String(reply.statusCode) })),
          );
        child.observe(reply.elapsedTime / 1000);
        done();
      };
      const existing = route.onResponse;
      route.onResponse =
        existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];
    });
  }

  /** One finished plan solve: its time, and a dispatch plan's fallback from the decomposition when it had one. */
  observeSolve(kind: string, outcome: 'done' | 'failed', seconds: number, result?: unknown): void {
    this.solverDuration.observe({ kind, outcome }, seconds);
    const reason =
      kind === 'dispatch'
        ? (result as { decomposition?: { fallback?: { reason?: string } } } | undefined)?.decomposition?.fallback
            ?.reason
        : undefined;
    if (reason) this.decompositionFallbacks.inc({ reason });
    if (kind === 'dispatch' && (result as { repairedPlan?: unknown } | undefined)?.repairedPlan)
      this.dispatchPlansRepaired.inc();
  }

  observeUnmatched(method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route: 'unmatched', status: String(status) }, seconds);
  }
}
