// What the routes work with: the pipeline, the managed city, key and plan stores, metrics, limits and the clock.
import type { Pipeline } from '../app/index.js';
import type { LateRateStatus } from '../stream/index.js';
import type { KeyStore, Role } from './access/index.js';
import type { CityModel } from './city-model.js';
import type { IngestQueue } from './ingest-queue.js';
import type { ApiMetrics } from './metrics.js';
import type { PlanService } from './plans/index.js';
import type { PlanInputStep } from './plans/kinds.js';
import type { PlanKindName } from '../runtime/index.js';

export interface ApiLimits {
  /** Body limit of ordinary requests. */
  bodyBytes: number;
  /** Body limit of plan requests (large dispatch or routing requests). */
  planBodyBytes: number;
  /** Body limit of one telemetry batch. */
  ingestBodyBytes: number;
  /** Telemetry requests waiting for the engine beyond which new ones get 503 with Retry-After. */
  ingestQueue: number;
  /** Requests per minute per API key, by role; 0 turns the limit off for that role. */
  ratePerMinute: Record<Role, number>;
  /** Longest `?wait=` a plan request may ask for. */
  planWaitMaxMs: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  bodyBytes: 1 << 20,
  planBodyBytes: 8 << 20,
  ingestBodyBytes: 16 << 20,
  ingestQueue: 16,
  ratePerMinute: { utility: 600, 'waste-contractor': 600, 'traffic-center': 6000, operator: 120_000, device: 600 },
  planWaitMaxMs: 60_000,
};

export interface ApiContext {
  pipeline: Pipeline;
  /** What feeds the pipeline, for readiness: `simulator`, `kafka`, `http`. */
  source: string;
  /** Whether the sources are connected and the pipeline runs. */
  sourceReady: () => boolean;
  city: CityModel;
  keys: KeyStore;
  plans: PlanService;
  /** Steps that complete plan requests of a kind before they are checked (registered by plugins, e.g. live forecasts). */
  planInputs: Map<PlanKindName, PlanInputStep>;
  metrics: ApiMetrics;
  ingest: IngestQueue;
  limits: ApiLimits;
  now: () => number;
  /** True once shutdown began: ingest and plan requests get 503. */
  draining: boolean;
  /** Late drops of the last minute against the usual share (sampled every second; readiness and metrics show it). */
  lateDrops: () => LateRateStatus;
  /** Set when the engine refused work because a stream worker failed; readiness reports it. */
  pipelineFailure?: Error;
}
