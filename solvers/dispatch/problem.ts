// The validated, time-resolved form of a dispatch request that the model builder and the plan reader work on.
import type { DispatchRequest, DrResource } from './request.js';

export interface FeederProblem {
  readonly id: string;
  /** Cap per interval, or undefined when the feeder has no cap. */
  readonly capKW?: Float64Array;
  readonly forecastKW?: Float64Array;
  readonly maxReductionKW?: number;
}

export interface ResourceProblem {
  readonly resource: DrResource;
  /** Index into DispatchProblem.feeders, or -1. */
  readonly feeder: number;
  /** 1 where the resource may be called in that interval (availability windows and notice). */
  readonly available: Uint8Array;
  /** Needs on/off and call decisions (per-call cost, event limit, minimum depth or minimum run): a MIP. */
  readonly callDecisions: boolean;
}

export interface DispatchProblem {
  readonly request: DispatchRequest;
  readonly startMs: Float64Array;
  readonly endMs: Float64Array;
  /** Length of each interval in hours. */
  readonly hours: Float64Array;
  readonly targetKW?: Float64Array;
  readonly feeders: readonly FeederProblem[];
  readonly penaltyPerKWh: number;
  readonly mipGap: number;
  readonly timeLimitSeconds: number;
  readonly resources: readonly ResourceProblem[];
}

export const DEFAULT_SHORTFALL_PENALTY_PER_KWH = 1000;
/**
 * Operational dispatch needs a plan in seconds: half a percent of the objective is well inside the uncertainty of
 * the load forecast, and proving 1e-4 can take branch and bound minutes on a few hundred resources.
 */
export const DEFAULT_MIP_GAP = 0.005;
export const DEFAULT_TIME_LIMIT_SECONDS = 120;
